// executeWork may return the string or print it: either is what the task shows.
function said(call) {
  const lines = [];
  const log = console.log;
  console.log = (...parts) => lines.push(parts.join(' '));
  let returned;
  try {
    returned = call();
  } finally {
    console.log = log;
  }
  return typeof returned === 'string' ? returned : lines.join(' / ');
}
// Employees made directly: what createEmployee picks is checked in task 5.
const Director = learner('Director');
const Teacher = learner('Teacher');
const isDirector = learner('isDirector');
const executeWork = learner('executeWork');
console.log(`isDirector(new Teacher()): ${isDirector(new Teacher())}`);
console.log(`isDirector(new Director()): ${isDirector(new Director())}`);
console.log(`executeWork(new Teacher()): ${said(() => executeWork(new Teacher()))}`);
console.log(`executeWork(new Director()): ${said(() => executeWork(new Director()))}`);
