import { run } from './watch';
import loadBalancer from './7-load_balancer.js';

run(async () => {
  // Settling order is set by timers and by already-settled promises, never by the machine's speed.
  // Two promises settled before the call are not compared: which of them "resolved first" is not
  // something the curriculum defines.
  const later = (ms, value) => new Promise((resolve) => { setTimeout(resolve, ms, value); });
  console.log(await loadBalancer(later(300, 'china'), later(10, 'us')));
  console.log(await loadBalancer(later(10, 'china'), later(300, 'us')));
  console.log(await loadBalancer(later(300, 'china'), Promise.resolve('us at once')));
});
