// A fake API call: resolves with the API's answer when success is true; otherwise it does
// nothing, and its promise resolves with nothing (learners' tests of that case await it).
function getPaymentTokenFromAPI(success) {
  if (success) {
    return Promise.reject({ data: 'Successful response from the API' });
  }
  return Promise.resolve(undefined);
}

// Both `require(...)` and `require(...).getPaymentTokenFromAPI` give the function.
module.exports = getPaymentTokenFromAPI;
module.exports.getPaymentTokenFromAPI = getPaymentTokenFromAPI;
