const createEmployee = learner('createEmployee');
for (const salary of [200, 499, 500, 1000, '$500', '200']) {
  const employee = createEmployee(salary);
  const kind = employee instanceof learner('Director') ? 'Director' : employee instanceof learner('Teacher') ? 'Teacher' : 'neither';
  console.log(`createEmployee(${JSON.stringify(salary)}): ${kind}`);
}
const methods = {
  Teacher: [200, ['workFromHome', 'getCoffeeBreak', 'workTeacherTasks']],
  Director: [1000, ['workFromHome', 'getCoffeeBreak', 'workDirectorTasks']],
};
for (const [kind, [salary, names]] of Object.entries(methods)) {
  const employee = createEmployee(salary);
  for (const name of names) {
    const said = typeof employee[name] === 'function' ? employee[name]() : 'no such method';
    console.log(`  ${kind} ${name}(): ${said}`);
  }
}
