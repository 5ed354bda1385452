const Subjects = learner('Subjects');
const seasoned = { firstName: 'Ada', lastName: 'Lovelace', experienceTeachingC: 4, experienceTeachingJava: 2, experienceTeachingReact: 1 };
const novice = { firstName: 'Alan', lastName: 'Turing' };
for (const name of ['Cpp', 'Java', 'React']) {
  const subject = new Subjects[name]();
  console.log(`${name} extends Subject: ${subject instanceof Subjects.Subject}`);
  console.log(`  getRequirements(): ${subject.getRequirements()}`);
  subject.setTeacher(seasoned);
  console.log(`  teacher: ${subject.teacher === seasoned}`);
  console.log(`  getAvailableTeacher() with experience: ${subject.getAvailableTeacher()}`);
  subject.setTeacher(novice);
  console.log(`  getAvailableTeacher() without: ${subject.getAvailableTeacher()}`);
}
