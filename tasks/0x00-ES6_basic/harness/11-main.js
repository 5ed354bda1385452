import createEmployeesObject from './11-createEmployeesObject.js';

console.log(createEmployeesObject('Software', ['Bob', 'Sylvie']));
