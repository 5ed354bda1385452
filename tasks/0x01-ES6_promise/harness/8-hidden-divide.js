import divideFunction from './8-try.js';

console.log(divideFunction(9, 3), divideFunction(0, 5), divideFunction(-7, 2));
try {
  divideFunction(0, 0);
  console.log('0 / 0 does not throw');
} catch (error) {
  console.log('0 / 0 throws an Error:', error instanceof Error, JSON.stringify(error && error.message));
}
