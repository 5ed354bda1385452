import './watch.mjs';
import handleResponseFromAPI from './2-then.js';

// Whether the log line is printed for a rejection is not checked: it is left out.
const print = console.log;
console.log = (...args) => {
  if (args.join(' ') !== 'Got a response from the API') print(...args);
};
const returned = handleResponseFromAPI(Promise.reject(new Error('down')));
print('returns a promise:', returned instanceof Promise);
const value = await returned;
print('it resolves to an Error:', value instanceof Error);
await new Promise((resolve) => { setTimeout(resolve, 10); });
