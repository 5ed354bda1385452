import returnHowManyArguments from './4-rest-parameter.js';

console.log(returnHowManyArguments('one'));
console.log(returnHowManyArguments('one', 'two', 3, '4th'));
