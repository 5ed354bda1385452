import updateStudentGradeByCity from './4-update_grade_by_city.js';

// Like the curriculum's main, which calls getListStudents() afresh for each call: a solution
// may set `grade` on the objects it is given, so no call sees another call's grades.
const students = () => [
  { id: 1, firstName: 'Guillaume', location: 'San Francisco' },
  { id: 2, firstName: 'James', location: 'Columbia' },
  { id: 5, firstName: 'Serena', location: 'San Francisco' },
];

console.log(updateStudentGradeByCity(students(), 'San Francisco', [
  { studentId: 5, grade: 97 },
  { studentId: 1, grade: 86 },
]));
console.log(updateStudentGradeByCity(students(), 'San Francisco', [
  { studentId: 5, grade: 97 },
]));
