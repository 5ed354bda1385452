// Prints what the learner's getPaymentTokenFromAPI(true) gives.
const getPaymentTokenFromAPI = require('./6-payment_token');

const answer = getPaymentTokenFromAPI(true);
console.log(`returns a promise: ${answer instanceof Promise}`);
Promise.resolve(answer).then(
  (value) => console.log(`resolves with: ${JSON.stringify(value)}`),
  (error) => console.log(`rejects with: ${error}`),
);
