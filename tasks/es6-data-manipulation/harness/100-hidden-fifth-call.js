import { queryAPI } from './100-weak.js';

const endpoint = { protocol: 'https', name: 'getOrders' };

for (let call = 1; call <= 5; call += 1) {
  try {
    queryAPI(endpoint);
    console.log(`call ${call}: ok`);
  } catch (error) {
    console.log(`call ${call}: ${error.message}`);
  }
}
