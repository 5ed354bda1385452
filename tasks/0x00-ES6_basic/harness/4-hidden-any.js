import returnHowManyArguments from './4-rest-parameter.js';

console.log(returnHowManyArguments());
console.log(returnHowManyArguments(undefined, null));
console.log(returnHowManyArguments(...Array(12).fill(0)));
