// Runs the learner's 7-skip.test.js with mocha and prints which tests passed, were skipped
// (pending) or failed.
const Mocha = require('mocha');

const mocha = new Mocha({ reporter: function Silent() {} });
mocha.addFile('./7-skip.test.js');
const seen = { passing: [], pending: [], failing: [] };
const runner = mocha.run(() => {
  for (const [state, titles] of Object.entries(seen)) {
    console.log(`${state}: ${titles.length}${titles.length ? ` (${titles.join('; ')})` : ''}`);
  }
});
runner.on('pass', (test) => seen.passing.push(test.title));
runner.on('pending', (test) => seen.pending.push(test.title));
runner.on('fail', (test) => seen.failing.push(test.title));
