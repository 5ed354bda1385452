import { importDefault, run, swapUtils } from './watch';

run(async () => {
  // Each helper fails in turn; the learner's file is imported once per case, in a fresh module map.
  const which = process.argv[2];
  swapUtils(`./utils-${which}-down.js`);
  const handleProfileSignup = importDefault('./3-all.js');
  // Not awaited: the curriculum asks for the log line, not for a promise that settles.
  handleProfileSignup();
});
