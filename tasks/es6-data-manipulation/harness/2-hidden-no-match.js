import getStudentsByLocation from './2-get_students_by_loc';

const students = [
  { id: 1, firstName: 'Guillaume', location: 'San Francisco' },
  { id: 2, firstName: 'James', location: 'Columbia' },
];

console.log(getStudentsByLocation(students, 'Paris'));
console.log(getStudentsByLocation([], 'Paris'));
