import getListStudents from './0-get_list_students.js';

// The curriculum names each student's attributes (id, firstName, location), not their order in
// the object literal, so each object is printed with its own keys in that order, then any others.
const inCurriculumOrder = ({
  id, firstName, location, ...others
}) => ({
  id, firstName, location, ...others,
});

const students = getListStudents();
console.log(Array.isArray(students) ? students.map(inCurriculumOrder) : students);
