import getListStudents from './0-get_list_students';

const students = getListStudents();
console.log(Array.isArray(students), students.length);
console.log(students.every((student) => Object.getPrototypeOf(student) === Object.prototype));
console.log(JSON.stringify(students));
