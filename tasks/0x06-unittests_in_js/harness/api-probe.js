// Starts the learner's API (`node api.js` in FOLDER), waits until it listens on port 7865,
// sends each request and prints its status and body, then stops the server.
// Usage: node api-probe.js FOLDER 'GET /' 'POST /login {"userName":"Betty"}' ...
const { spawn } = require('child_process');
const http = require('http');
const net = require('net');

const [folder, ...requests] = process.argv.slice(2);
const server = spawn('node', ['api.js'], { cwd: folder, stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
server.stderr.on('data', (chunk) => { stderr += chunk; });

function listening() {
  return new Promise((resolve) => {
    const socket = net.connect(7865, '127.0.0.1', () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  });
}

// An error page's text is the learner's choice; a JSON body is shown with sorted keys, as
// deep equality ignores their order.
function shown(status, text) {
  if (status >= 400) return '';
  try {
    return ` ${JSON.stringify(sorted(JSON.parse(text)))}`;
  } catch (error) {
    return ` ${text}`;
  }
}

function sorted(value) {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted(value[key])]));
}

function send(line) {
  const [method, path, ...rest] = line.split(' ');
  const body = rest.join(' ');
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1',
      port: 7865,
      method,
      path,
      headers: body ? { 'Content-Type': 'application/json' } : {},
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => resolve(`${line} -> ${response.statusCode}${shown(response.statusCode, text)}`));
    });
    request.on('error', reject);
    request.end(body || undefined);
  });
}

(async () => {
  const deadline = Date.now() + 30000;
  while (!(await listening())) {
    if (Date.now() > deadline || server.exitCode !== null) {
      console.log(`node api.js did not listen on port 7865${stderr ? `:\n${stderr}` : ''}`);
      server.kill('SIGKILL');
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const line of requests) {
    try {
      console.log(await send(line));
    } catch (error) {
      console.log(`${line} -> ${error.message}`);
    }
  }
  server.kill('SIGKILL');
})();
