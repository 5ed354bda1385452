// A fake API call: resolves with the API's answer when success is true, does nothing otherwise.
function getPaymentTokenFromAPI(success) {
  if (success) {
    return Promise.resolve({ data: 'Successful answer from the API' });
  }
  return undefined;
}

// Both `require(...)` and `require(...).getPaymentTokenFromAPI` give the function.
module.exports = getPaymentTokenFromAPI;
module.exports.getPaymentTokenFromAPI = getPaymentTokenFromAPI;
