import getListStudentIds from './1-get_list_student_ids';

console.log(getListStudentIds([]));
