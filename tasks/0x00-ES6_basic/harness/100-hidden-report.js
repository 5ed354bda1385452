import createIteratorObject from './100-createIteratorObject.js';

// A report made here (allEmployees and getNumberOfDepartments, as createReportObject makes it).
const report = (allEmployees) => ({
  allEmployees,
  getNumberOfDepartments(list) {
    return Object.keys(list).length;
  },
});
console.log(JSON.stringify([...createIteratorObject(report({ a: ['Ann'], b: [], c: ['Cy', 'Di'] }))]));
console.log(JSON.stringify([...createIteratorObject(report({}))]));
