import createIteratorObject from './100-createIteratorObject.js';
import iterateThroughObject from './101-iterateThroughObject.js';

// iterateThroughObject takes what the learner's own createIteratorObject returns; the reports are
// made here (allEmployees and getNumberOfDepartments, as createReportObject makes them).
const report = (allEmployees) => ({
  allEmployees,
  getNumberOfDepartments(list) {
    return Object.keys(list).length;
  },
});
const three = report({ engineering: ['John Doe', 'Guillaume Salva'], design: ['Kanye East'] });
console.log(JSON.stringify(iterateThroughObject(createIteratorObject(three))));
console.log(JSON.stringify(iterateThroughObject(createIteratorObject(report({ one: ['Ann'] })))));
