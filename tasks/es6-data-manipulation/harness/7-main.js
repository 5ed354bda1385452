import hasValuesFromArray from './7-has_array_values';

const set = new Set([1, 2, 3, 4, 5]);
console.log(hasValuesFromArray(set, [1]));
console.log(hasValuesFromArray(set, [10]));
console.log(hasValuesFromArray(set, [1, 10]));
