import { swapUtils } from './watch.mjs';

// Each helper fails in turn; the learner's file is imported once per case, in a fresh module map.
const which = process.argv[2];
swapUtils(`./utils-${which}-down.js`);
const { default: handleProfileSignup } = await import('./3-all.js');
// Not awaited: the curriculum asks for the log line, not for a promise that settles.
handleProfileSignup();
