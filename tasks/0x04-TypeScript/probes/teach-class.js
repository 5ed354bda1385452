// teachClass may return the string or print it: either is what the task shows.
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
const teachClass = learner('teachClass');
console.log(`teachClass('Math'): ${said(() => teachClass('Math'))}`);
console.log(`teachClass('History'): ${said(() => teachClass('History'))}`);
