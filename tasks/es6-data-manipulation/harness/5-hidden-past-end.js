import createInt8TypedArray from './5-typed_arrays';

const cases = [[10, 10], [10, 12], [0, 0]];
for (const [length, position] of cases) {
  try {
    createInt8TypedArray(length, position, 1);
    console.log(`(${length}, ${position}): no error`);
  } catch (error) {
    console.log(`(${length}, ${position}): ${error.message}`);
  }
}
