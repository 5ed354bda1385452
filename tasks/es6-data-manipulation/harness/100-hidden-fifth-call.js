import { queryAPI } from './100-weak.js';

// "When the number of queries is >= 5 throw": counting this call (the 5th throws) or only the
// earlier ones (the 6th throws) are both readings of the curriculum, and both pass.
const endpoint = { protocol: 'https', name: 'getOrders' };

const outcomes = [];
for (let call = 1; call <= 6; call += 1) {
  try {
    queryAPI(endpoint);
    outcomes.push('ok');
  } catch (error) {
    outcomes.push(error.message);
  }
}
outcomes.slice(0, 4).forEach((outcome, i) => console.log(`call ${i + 1}: ${outcome}`));
console.log(`call 5 or 6: ${outcomes[4] !== 'ok' ? outcomes[4] : outcomes[5]}`);
