// Prints what the learner's getPaymentTokenFromAPI(true) gives.
// The function itself, or an object holding it (`module.exports = { getPaymentTokenFromAPI }`).
const loaded = require('./6-payment_token');
const getPaymentTokenFromAPI = typeof loaded === 'function' ? loaded : loaded.getPaymentTokenFromAPI;

const answer = getPaymentTokenFromAPI(true);
console.log(`returns a promise: ${answer instanceof Promise}`);
Promise.resolve(answer).then(
  (value) => console.log(`resolves with: ${JSON.stringify(value)}`),
  (error) => console.log(`rejects with: ${error}`),
);
