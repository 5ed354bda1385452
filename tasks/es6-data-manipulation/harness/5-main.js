import createInt8TypedArray from './5-typed_arrays';

console.log(createInt8TypedArray(10, 2, 89));
