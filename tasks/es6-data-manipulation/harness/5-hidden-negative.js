import createInt8TypedArray from './5-typed_arrays.js';

try {
  createInt8TypedArray(10, -1, 1);
  console.log('(10, -1): no error');
} catch (error) {
  console.log(`(10, -1): ${error.message}`);
}
