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
const createEmployee = learner('createEmployee');
const isDirector = learner('isDirector');
const executeWork = learner('executeWork');
console.log(`isDirector(createEmployee(200)): ${isDirector(createEmployee(200))}`);
console.log(`isDirector(createEmployee(1000)): ${isDirector(createEmployee(1000))}`);
console.log(`executeWork(createEmployee(200)): ${said(() => executeWork(createEmployee(200)))}`);
console.log(`executeWork(createEmployee(1000)): ${said(() => executeWork(createEmployee(1000)))}`);
