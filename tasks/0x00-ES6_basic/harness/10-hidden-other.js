import appendToEachArrayValue from './10-loops.js';

console.log(JSON.stringify(appendToEachArrayValue([], 'x-')));
console.log(JSON.stringify(appendToEachArrayValue(['b', 'a', 'b'], '')));
console.log(JSON.stringify(appendToEachArrayValue([1, 2], 'n')));
