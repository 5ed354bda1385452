import getBudgetObject from './7-getBudgetObject.js';

console.log(JSON.stringify(getBudgetObject('a', null, 0)));
