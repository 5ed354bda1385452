import createInt8TypedArray from './5-typed_arrays.js';

const view = createInt8TypedArray(4, 3, -128);
console.log(view instanceof DataView, view.byteLength);
console.log(new Int8Array(view.buffer));
