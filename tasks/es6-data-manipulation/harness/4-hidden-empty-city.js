import updateStudentGradeByCity from './4-update_grade_by_city.js';

const students = [
  { id: 3, firstName: 'Ada', location: 'London' },
  { id: 7, firstName: 'Grace', location: 'New York' },
];

console.log(updateStudentGradeByCity(students, 'Paris', [{ studentId: 3, grade: 80 }]));
