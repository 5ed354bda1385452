// main.ts prints, for C++, Java and React in turn, the subject's name, its requirements and
// its available teacher (cTeacher teaches C only); lines of its own in between, and labels
// before the strings, are allowed.
const Subjects = learner('Subjects');
const teacher = learner('cTeacher');
console.log(`cTeacher has experienceTeachingC 10: ${teacher !== undefined && teacher.experienceTeachingC === 10}`);
for (const [name, kind] of [['cpp', 'Cpp'], ['java', 'Java'], ['react', 'React']]) {
  const subject = learner(name);
  console.log(`${name} is a Subjects.${kind}: ${subject instanceof Subjects[kind]}`);
}
const expected = [
  'C++',
  'Here is the list of requirements for Cpp',
  `Available Teacher: ${teacher && teacher.firstName}`,
  'Java',
  'Here is the list of requirements for Java',
  'No available teacher',
  'React',
  'Here is the list of requirements for React',
  'No available teacher',
];
let next = 0;
for (const line of printed) {
  if (next < expected.length && line.trim().endsWith(expected[next])) next += 1;
}
console.log(next === expected.length ? 'prints every subject in order' : `printed:\n${printed.join('\n')}`);
