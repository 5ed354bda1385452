import { importDefault, run, swapUtils } from './watch';

run(async () => {
  const which = process.argv[2];
  swapUtils(`./utils-${which}-down.js`);
  const asyncUploadUser = importDefault('./100-await.js');
  console.log(JSON.stringify(await asyncUploadUser()));
});
