const Subjects = learner('Subjects');
// "A setter method setTeacher": a method, or a `set` accessor; both set the teacher.
function setTeacher(subject, teacher) {
  let owner = subject;
  while (owner && !Object.getOwnPropertyDescriptor(owner, 'setTeacher')) owner = Object.getPrototypeOf(owner);
  const found = owner && Object.getOwnPropertyDescriptor(owner, 'setTeacher');
  if (found && found.set) subject.setTeacher = teacher;
  else subject.setTeacher(teacher);
}
const seasoned = { firstName: 'Ada', lastName: 'Lovelace', experienceTeachingC: 4, experienceTeachingJava: 2, experienceTeachingReact: 1 };
const novice = { firstName: 'Alan', lastName: 'Turing' };
for (const name of ['Cpp', 'Java', 'React']) {
  const subject = new Subjects[name]();
  console.log(`${name} extends Subject: ${subject instanceof Subjects.Subject}`);
  console.log(`  getRequirements(): ${subject.getRequirements()}`);
  setTeacher(subject, seasoned);
  console.log(`  teacher: ${subject.teacher === seasoned}`);
  console.log(`  getAvailableTeacher() with experience: ${subject.getAvailableTeacher()}`);
  setTeacher(subject, novice);
  console.log(`  getAvailableTeacher() without: ${subject.getAvailableTeacher()}`);
}
