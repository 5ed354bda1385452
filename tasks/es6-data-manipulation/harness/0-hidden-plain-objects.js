import getListStudents from './0-get_list_students';

const students = getListStudents();
console.log(Array.isArray(students), students.length);
console.log(students.every((student) => Object.getPrototypeOf(student) === Object.prototype));
// The keys as a set (their order in the literal is not asked), then the values in curriculum order.
console.log(JSON.stringify(students.map((student) => Object.keys(student).sort())));
console.log(JSON.stringify(students.map(({ id, firstName, location }) => [id, firstName, location])));
