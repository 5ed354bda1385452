import getBudgetForCurrentYear from './8-getBudgetCurrentYear.js';

// The keys name the year the program runs in, whatever year that is.
const year = String(new Date().getFullYear());
const budget = getBudgetForCurrentYear(1, 2, 3);
console.log(JSON.stringify(budget).split(year).join('YEAR'));
