import concatArrays from './5-spread-operator.js';

console.log(JSON.stringify(concatArrays([], [], '')));
console.log(JSON.stringify(concatArrays([1, [2]], [], 'ab')));
