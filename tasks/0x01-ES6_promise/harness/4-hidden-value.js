import './watch.mjs';
import signUpUser from './4-user-promise.js';

console.log(JSON.stringify(await signUpUser('Ada', 'Lovelace')));
console.log(JSON.stringify(await signUpUser('', 'x')));
