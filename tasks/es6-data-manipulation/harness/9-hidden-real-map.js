import groceriesList from './9-groceries_list.js';

const groceries = groceriesList();
console.log(groceries instanceof Map, groceries.size);
console.log(JSON.stringify([...groceries]));
