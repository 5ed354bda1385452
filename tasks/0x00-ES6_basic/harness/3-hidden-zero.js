import getSumOfHoods from './3-default-parameter.js';

console.log(getSumOfHoods(0));
console.log(getSumOfHoods(1, 0, 0));
console.log(getSumOfHoods(1, undefined, 0));
