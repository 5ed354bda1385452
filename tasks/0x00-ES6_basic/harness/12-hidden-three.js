import createReportObject from './12-createReportObject.js';

// The departments are built here, so only createReportObject is checked.
const employees = { design: ['Kanye East'], sales: [], support: ['Jay Li', 'Ann'] };
const report = createReportObject(employees);
console.log(JSON.stringify(report.allEmployees));
console.log(report.getNumberOfDepartments(report.allEmployees));
