// Imported first by hidden checks: an unhandled rejection is printed as a line of output (the
// check's expected output has none) instead of ending the program; `swapUtils` points
// `./utils.js` at one of the check's failing versions; `importDefault` then loads a learner's file
// (after the swap, unlike an `import` line); `run` runs a check's steps, ending the program on an
// error they throw as an error at a module's top level would.
const Module = require('module');

process.on('unhandledRejection', (reason) => {
  process.stdout.write(`unhandled rejection: ${reason}\n`);
});

// Learners' files are CommonJS once Babel compiled them: Node's CommonJS resolution decides
// which file `./utils` is, for every file required from now on.
function swapUtils(file) {
  const from = require.resolve('./utils.js');
  const to = require.resolve(file);
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function swapped(...args) {
    const resolved = resolveFilename.apply(this, args);
    return resolved === from ? to : resolved;
  };
}

// The default export as Babel's interop gives it: an ES module file's `export default`, a
// CommonJS file's `module.exports`.
function importDefault(file) {
  const exported = require(file);
  return exported && exported.__esModule ? exported.default : exported;
}

function run(steps) {
  steps().catch((error) => process.nextTick(() => { throw error; }));
}

module.exports = { swapUtils, importDefault, run };
