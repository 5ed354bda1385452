// A stand-in for the Star Wars API the school's tasks fetch (https://swapi-api.alx-tools.com/api/),
// serving the same shape of JSON from our own data (swapi.json) on 443 (TLS, with the
// certificate the image's setup made) and 80, for every host name it stands in for.
// Answers to people sent at once come back in reverse order (see hold).
'use strict';
const fs = require('fs');
const http = require('http');
const https = require('https');

const DIR = '/etc/checker/swapi';
const HOSTS = fs.readFileSync(`${DIR}/hosts`, 'utf8').split(/\s+/).filter(Boolean);
const data = JSON.parse(fs.readFileSync(`${DIR}/swapi.json`, 'utf8'));
// People's answers are held while other connections are open that have not sent their request
// yet, then sent newest first, 20 ms apart. A script that asks for one person at a time gets
// each answer at once; one that sends every request at once and prints answers as they arrive
// prints them in reverse, whatever the machine's load (answers that merely arrived at random
// could come in order on a busy machine, where TLS handshakes are slower than any delay).
const QUIET = 30;
const SPACING = 20;
const LONGEST_HOLD = 5000;
const silent = new Set();
let held = [];
let quiet = null;
let since = 0;

function release () {
  clearTimeout(quiet);
  const newestFirst = held.reverse();
  held = [];
  newestFirst.forEach((send, i) => setTimeout(send, i * SPACING));
}

function settle () {
  clearTimeout(quiet);
  if (held.length === 0) return;
  if (silent.size === 0 || Date.now() - since > LONGEST_HOLD) quiet = setTimeout(release, QUIET);
  else quiet = setTimeout(settle, 100);
}

function hold (send) {
  if (held.length === 0) since = Date.now();
  held.push(send);
  settle();
}

function track (socket) {
  const key = `${socket.remotePort}`;
  silent.add(key);
  socket.on('close', () => {
    silent.delete(key);
    settle();
  });
}

const STAMP = '2014-12-10T15:59:50.509000Z';

function base (req) {
  const host = (req.headers.host || '').replace(/:\d+$/, '').toLowerCase();
  const scheme = req.socket.encrypted ? 'https' : 'http';
  return `${scheme}://${HOSTS.includes(host) ? host : HOSTS[0]}/api/`;
}

function film (id, api) {
  const f = data.films[id];
  return {
    title: f.title,
    episode_id: f.episode_id,
    opening_crawl: `${f.title}: a film of the grader's own data.`,
    director: f.director,
    producer: 'Checker',
    release_date: f.release_date,
    characters: f.characters.map((p) => `${api}people/${p}/`),
    planets: [],
    starships: [],
    vehicles: [],
    species: [],
    created: STAMP,
    edited: STAMP,
    url: `${api}films/${id}/`
  };
}

function person (id, api) {
  return {
    name: data.people[id - 1],
    height: 'unknown',
    mass: 'unknown',
    hair_color: 'n/a',
    skin_color: 'n/a',
    eye_color: 'n/a',
    birth_year: 'unknown',
    gender: 'n/a',
    homeworld: `${api}planets/1/`,
    films: Object.keys(data.films)
      .filter((f) => data.films[f].characters.includes(id))
      .map((f) => `${api}films/${f}/`),
    species: [],
    vehicles: [],
    starships: [],
    created: STAMP,
    edited: STAMP,
    url: `${api}people/${id}/`
  };
}

function answer (req, res) {
  silent.delete(`${req.socket.remotePort}`);
  const api = base(req);
  const path = req.url.split('?')[0];
  let m;
  let body = null;
  let isPerson = false;
  if ((m = path.match(/^\/api\/films\/(\d+)\/?$/)) && data.films[m[1]]) {
    body = film(m[1], api);
  } else if ((m = path.match(/^\/api\/people\/(\d+)\/?$/)) && data.people[m[1] - 1]) {
    body = person(Number(m[1]), api);
    isPerson = true;
  } else if (/^\/api\/films\/?$/.test(path)) {
    const results = Object.keys(data.films).map((id) => film(id, api));
    body = { count: results.length, next: null, previous: null, results };
  } else if (/^\/api\/?$/.test(path)) {
    body = { films: `${api}films/`, people: `${api}people/` };
  }
  const send = () => {
    res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body || { detail: 'Not found' }));
  };
  if (isPerson) hold(send); else send();
}

const tls = { key: fs.readFileSync(`${DIR}/server.key`), cert: fs.readFileSync(`${DIR}/server.pem`) };
let listening = 0;
function up () {
  if (++listening === 2) fs.writeFileSync('/tmp/ready', '');
}
const servers = [[https.createServer(tls, answer), 443], [http.createServer(answer), 80]];
for (const [server, port] of servers) {
  server.on('connection', track);
  server.listen(port, up);
}
