import getFullBudgetObject from './9-getFullBudget.js';

const fullBudget = getFullBudgetObject(7, 8, 9);
console.log(fullBudget.income, fullBudget.gdp, fullBudget.capita);
console.log(fullBudget.getIncomeInDollars(1000));
console.log(fullBudget.getIncomeInEuros(1000));
