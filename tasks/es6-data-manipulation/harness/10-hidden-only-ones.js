import updateUniqueItems from './10-update_uniq_items.js';

const pantry = new Map([
  ['Milk', 2],
  ['Eggs', 1],
  ['Salt', 0],
  ['Bread', 1],
  ['Tea', 100],
]);
updateUniqueItems(pantry);
console.log(pantry);

const empty = new Map();
updateUniqueItems(empty);
console.log(empty);
