import getListStudentIds from './1-get_list_student_ids.js';

const students = [
  { id: 7, firstName: 'Ada', location: 'London' },
  { id: 3, firstName: 'Linus', location: 'Helsinki' },
  { id: 9, firstName: 'Grace', location: 'New York' },
];

console.log(getListStudentIds(students));
