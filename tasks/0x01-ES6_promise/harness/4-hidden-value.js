import { run } from './watch';
import signUpUser from './4-user-promise.js';

run(async () => {
  console.log(JSON.stringify(await signUpUser('Ada', 'Lovelace')));
  console.log(JSON.stringify(await signUpUser('', 'x')));
});
