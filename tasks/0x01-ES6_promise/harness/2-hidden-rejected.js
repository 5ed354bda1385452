import { run } from './watch';
import handleResponseFromAPI from './2-then.js';

run(async () => {
  // What the solution logs for a rejection (the curriculum's line, the error) is not checked.
  const print = console.log;
  console.log = () => {};
  const returned = handleResponseFromAPI(Promise.reject(new Error('down')));
  print('returns a promise:', returned instanceof Promise);
  const value = await returned;
  print('it resolves to an Error:', value instanceof Error);
  await new Promise((resolve) => { setTimeout(resolve, 10); });
});
