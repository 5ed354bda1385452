// Rounds both numbers, then adds, subtracts or divides them; dividing by a number that rounds
// to 0 gives 'Error'.
function calculateNumber(type, a, b) {
  const x = Math.round(a);
  const y = Math.round(b);
  switch (type) {
    case 'SUM':
      return x + y;
    case 'SUBTRACT':
      return x - y;
    case 'DIVIDE':
      return y === 0 ? 'Error' : a / b;
    default:
      throw new Error(`unknown type ${type}`);
  }
}

// Both `require(...)` and `require(...).calculateNumber` give the function.
module.exports = calculateNumber;
module.exports.calculateNumber = calculateNumber;
