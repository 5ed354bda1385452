import groceriesList from './9-groceries_list';

console.log(groceriesList());
