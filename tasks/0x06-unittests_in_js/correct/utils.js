// The Utils module: calculateNumber as a property, so tests can spy on it or stub it.
const Utils = {
  calculateNumber(type, a, b) {
    const x = Math.round(a);
    const y = Math.round(b);
    if (type === 'SUM') return x + y;
    if (type === 'SUBTRACT') return x - y;
    if (type === 'DIVIDE') return y === 0 ? 'Error' : x / y;
    throw new Error(`unknown type ${type}`);
  },
};

module.exports = Utils;
