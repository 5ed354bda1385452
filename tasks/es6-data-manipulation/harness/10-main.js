import updateUniqueItems from './10-update_uniq_items.js';

const groceries = new Map([
  ['Apples', 10],
  ['Tomatoes', 10],
  ['Pasta', 1],
  ['Rice', 1],
  ['Banana', 5],
]);

console.log(groceries);
updateUniqueItems(groceries);
console.log(groceries);
