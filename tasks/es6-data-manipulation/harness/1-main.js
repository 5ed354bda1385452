import getListStudentIds from './1-get_list_student_ids';

const students = [
  { id: 1, firstName: 'Guillaume', location: 'San Francisco' },
  { id: 2, firstName: 'James', location: 'Columbia' },
  { id: 5, firstName: 'Serena', location: 'San Francisco' },
];

console.log(getListStudentIds('hello'));
console.log(getListStudentIds(students));
