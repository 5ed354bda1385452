import createEmployeesObject from './11-createEmployeesObject.js';

console.log(JSON.stringify(createEmployeesObject('Human Resources', ['Ann'])));
console.log(JSON.stringify(createEmployeesObject('Empty', [])));
