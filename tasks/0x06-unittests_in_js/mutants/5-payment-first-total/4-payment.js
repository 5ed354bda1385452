const Utils = require('./utils');

let first;

// Broken: every call prints the total of the first call.
function sendPaymentRequestToApi(totalAmount, totalShipping) {
  const total = Utils.calculateNumber('SUM', totalAmount, totalShipping);
  if (first === undefined) first = total;
  console.log(`The total is: ${first}`);
  return first;
}

// Both `require(...)` and `require(...).sendPaymentRequestToApi` give the function.
module.exports = sendPaymentRequestToApi;
module.exports.sendPaymentRequestToApi = sendPaymentRequestToApi;
