import getStudentsByLocation from './2-get_students_by_loc.js';

const students = [
  { id: 1, firstName: 'Guillaume', location: 'San Francisco' },
  { id: 2, firstName: 'James', location: 'Columbia' },
  { id: 5, firstName: 'Serena', location: 'San Francisco' },
];

console.log(getStudentsByLocation(students, 'San Francisco'));
