import hasValuesFromArray from './7-has_array_values.js';

console.log(hasValuesFromArray(new Set([1, 2, 3]), []));
console.log(hasValuesFromArray(new Set(), []));
