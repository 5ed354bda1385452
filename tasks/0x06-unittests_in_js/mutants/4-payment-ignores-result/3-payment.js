const Utils = require('./utils');

// Broken: calls Utils.calculateNumber but prints a total it computes itself.
function sendPaymentRequestToApi(totalAmount, totalShipping) {
  Utils.calculateNumber('SUM', totalAmount, totalShipping);
  const total = Math.round(totalAmount) + Math.round(totalShipping);
  console.log(`The total is: ${total}`);
  return total;
}

// Both `require(...)` and `require(...).sendPaymentRequestToApi` give the function.
module.exports = sendPaymentRequestToApi;
module.exports.sendPaymentRequestToApi = sendPaymentRequestToApi;
