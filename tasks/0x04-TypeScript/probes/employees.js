const createEmployee = learner('createEmployee');
for (const salary of [200, 499, 500, 1000, '$500', '200']) {
  const employee = createEmployee(salary);
  const kind = employee instanceof learner('Director') ? 'Director' : employee instanceof learner('Teacher') ? 'Teacher' : 'neither';
  console.log(`createEmployee(${JSON.stringify(salary)}): ${kind}`);
}
// The classes' methods, on instances made directly: what createEmployee picks is above.
const methods = {
  Teacher: ['workFromHome', 'getCoffeeBreak', 'workTeacherTasks'],
  Director: ['workFromHome', 'getCoffeeBreak', 'workDirectorTasks'],
};
for (const [kind, names] of Object.entries(methods)) {
  const employee = new (learner(kind))();
  for (const name of names) {
    const said = typeof employee[name] === 'function' ? employee[name]() : 'no such method';
    console.log(`  ${kind} ${name}(): ${said}`);
  }
}
