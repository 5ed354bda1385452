// Prints what the learner's calculateNumber returns, one call per line.
// Usage: node calcul.js MODULE CALL...  where CALL is `a,b` or `TYPE,a,b`. MODULE exports the
// function, or something (utils.js's Utils: an object, or a class with a static method) with it
// as `calculateNumber`.
const loaded = require(`./${process.argv[2]}`);
const calculateNumber = typeof loaded.calculateNumber === 'function' ? loaded.calculateNumber : loaded;

for (const call of process.argv.slice(3)) {
  const args = call.split(',').map((arg) => (Number.isNaN(Number(arg)) ? arg : Number(arg)));
  console.log(`calculateNumber(${args.map((a) => JSON.stringify(a)).join(', ')}) = ${JSON.stringify(calculateNumber(...args))}`);
}
