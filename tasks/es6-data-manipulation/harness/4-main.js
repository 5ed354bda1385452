import updateStudentGradeByCity from './4-update_grade_by_city.js';

const students = [
  { id: 1, firstName: 'Guillaume', location: 'San Francisco' },
  { id: 2, firstName: 'James', location: 'Columbia' },
  { id: 5, firstName: 'Serena', location: 'San Francisco' },
];

console.log(updateStudentGradeByCity(students, 'San Francisco', [
  { studentId: 5, grade: 97 },
  { studentId: 1, grade: 86 },
]));
console.log(updateStudentGradeByCity(students, 'San Francisco', [
  { studentId: 5, grade: 97 },
]));
