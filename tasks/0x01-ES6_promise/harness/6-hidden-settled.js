import { run } from './watch';
import handleProfileSignup from './6-final-user.js';

run(async () => {
  // The rejected entry's value may be the Error itself, its text or its message: the curriculum
  // says "value or error returned by the Promise". Each is printed as the error's message.
  const describe = (value) => {
    if (value instanceof Error) return value.message;
    if (typeof value === 'string') return value.replace(/^Error: /, '');
    return JSON.stringify(value);
  };
  const results = await handleProfileSignup('Bob', 'Dylan', 'bob_dylan.jpg');
  console.log('an array of', Array.isArray(results) ? results.length : JSON.stringify(results));
  for (const entry of results) {
    console.log(JSON.stringify(Object.keys(entry)), entry.status, describe(entry.value));
  }
});
