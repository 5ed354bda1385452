const StudentClass = learner('StudentClass');
const student = new StudentClass('John', 'Doe');
console.log(`workOnHomework(): ${student.workOnHomework()}`);
console.log(`displayName(): ${student.displayName()}`);
