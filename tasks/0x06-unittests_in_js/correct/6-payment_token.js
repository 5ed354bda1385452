// A fake API call: resolves with the API's answer when success is true; otherwise, as the task
// says, it does nothing: it returns undefined (a test may `await` it, or expect undefined).
function getPaymentTokenFromAPI(success) {
  if (success) {
    return Promise.resolve({ data: 'Successful response from the API' });
  }
  return undefined;
}

// Both `require(...)` and `require(...).getPaymentTokenFromAPI` give the function.
module.exports = getPaymentTokenFromAPI;
module.exports.getPaymentTokenFromAPI = getPaymentTokenFromAPI;
