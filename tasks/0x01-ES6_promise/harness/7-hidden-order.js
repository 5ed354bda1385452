import './watch.mjs';
import loadBalancer from './7-load_balancer.js';

// Settling order is set by timers and by already-settled promises, never by the machine's speed.
const later = (ms, value) => new Promise((resolve) => { setTimeout(resolve, ms, value); });
console.log(await loadBalancer(later(300, 'china'), later(10, 'us')));
console.log(await loadBalancer(Promise.resolve('china first'), Promise.resolve('us')));
console.log(await loadBalancer(later(300, 'china'), Promise.resolve('us at once')));
