// Installed first by hidden checks: an unhandled rejection is printed as a line of output (the
// check's expected output has none) instead of ending the program, and `swapUtils` points
// `./utils.js` at one of the check's failing versions.
import Module, { register } from 'node:module';
import { fileURLToPath } from 'node:url';

process.on('unhandledRejection', (reason) => {
  process.stdout.write(`unhandled rejection: ${reason}\n`);
});

export function swapUtils(file) {
  const here = (name) => new URL(name, import.meta.url).href;
  register('./swap-utils.mjs', import.meta.url, {
    data: { from: here('./utils.js'), to: here(file) },
  });
  // A CommonJS file's require('./utils') never meets the hooks: swap it in Node's resolver too.
  const [from, to] = [fileURLToPath(here('./utils.js')), fileURLToPath(here(file))];
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function swapped(...args) {
    const found = resolveFilename.apply(this, args);
    return found === from ? to : found;
  };
}
