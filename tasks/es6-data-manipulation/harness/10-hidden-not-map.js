import updateUniqueItems from './10-update_uniq_items';

const notMaps = [
  ['an object', { Pasta: 1 }],
  ['an array', [['Pasta', 1]]],
  ['a Set', new Set(['Pasta'])],
];
for (const [label, value] of notMaps) {
  try {
    updateUniqueItems(value);
    console.log(`${label}: no error`);
  } catch (error) {
    console.log(`${label}: ${error.message}`);
  }
}
