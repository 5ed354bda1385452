import setFromArray from './6-set.js';

console.log(setFromArray([1, '1', 1, true, 'true', true]));
