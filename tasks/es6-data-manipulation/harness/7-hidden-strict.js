import hasValuesFromArray from './7-has_array_values';

console.log(hasValuesFromArray(new Set([1, 2, 3]), ['1']));
console.log(hasValuesFromArray(new Set(['a', 'b', 'c']), ['c', 'a']));
