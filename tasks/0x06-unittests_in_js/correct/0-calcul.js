// Rounds both numbers, then adds them.
function calculateNumber(a, b) {
  return Math.round(a) + Math.round(b);
}

// Both `require(...)` and `require(...).calculateNumber` give the function.
module.exports = calculateNumber;
module.exports.calculateNumber = calculateNumber;
