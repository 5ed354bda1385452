// Calls the learner's sendPaymentRequestToApi(100, 20) then (10, 10), and prints how it used
// Utils.calculateNumber (the learner's utils.js, watched with a sinon spy) and what it printed.
// Usage: node payment.js MODULE
const sinon = require('sinon');
const Utils = require('./utils');
// The task names the function, not how the file exports it: the function itself, or an object
// holding it (`module.exports = { sendPaymentRequestToApi }`).
const loaded = require(`./${process.argv[2]}`);
const send = typeof loaded === 'function' ? loaded : loaded.sendPaymentRequestToApi;

const calls = sinon.spy(Utils, 'calculateNumber');
const printed = [];
const log = console.log;
for (const [amount, shipping] of [[100, 20], [10, 10]]) {
  calls.resetHistory();
  printed.length = 0;
  console.log = (...args) => printed.push(args.join(' '));
  try {
    send(amount, shipping);
  } finally {
    console.log = log;
  }
  log(`sendPaymentRequestToApi(${amount}, ${shipping})`);
  for (const call of calls.getCalls()) {
    log(`  called Utils.calculateNumber(${call.args.map((a) => JSON.stringify(a)).join(', ')})`);
  }
  for (const line of printed) log(`  printed: ${line}`);
}
