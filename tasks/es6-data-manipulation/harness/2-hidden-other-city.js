import getStudentsByLocation from './2-get_students_by_loc.js';

const students = [
  { id: 4, firstName: 'Maya', location: 'Columbia' },
  { id: 8, firstName: 'Omar', location: 'Lagos' },
  { id: 6, firstName: 'Ines', location: 'Columbia' },
  { id: 2, firstName: 'Kenji', location: 'Columbia' },
];

console.log(getStudentsByLocation(students, 'Columbia'));
