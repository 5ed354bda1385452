import updateStudentGradeByCity from './4-update_grade_by_city';

// Fresh objects for each call: a solution may set `grade` on the objects it is given.
const students = () => [
  { id: 3, firstName: 'Ada', location: 'London' },
  { id: 4, firstName: 'Alan', location: 'London' },
  { id: 7, firstName: 'Grace', location: 'New York' },
];

console.log(updateStudentGradeByCity(students(), 'London', []));
console.log(updateStudentGradeByCity(students(), 'London', [
  { studentId: 7, grade: 90 },
  { studentId: 99, grade: 50 },
]));
