import guardrail from './9-try.js';

// Another function and another error: the queue holds what the function returned or the error,
// as in the curriculum's example (`Error: cannot divide by 0`).
console.log(JSON.stringify(guardrail(() => 'done')));
console.log(JSON.stringify(guardrail(() => { throw new Error('out of range'); })));
console.log(JSON.stringify(guardrail(() => [1, 2])));
