import getListStudentIds from './1-get_list_student_ids.js';

console.log(getListStudentIds({ id: 1, firstName: 'Ada', location: 'London' }));
console.log(getListStudentIds({ length: 2, 0: { id: 1 }, 1: { id: 2 } }));
console.log(getListStudentIds(42));
console.log(getListStudentIds(null));
console.log(getListStudentIds());
