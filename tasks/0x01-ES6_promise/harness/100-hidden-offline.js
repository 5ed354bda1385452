import { swapUtils } from './watch.mjs';

const which = process.argv[2];
swapUtils(`./utils-${which}-down.js`);
const { default: asyncUploadUser } = await import('./100-await.js');
console.log(JSON.stringify(await asyncUploadUser()));
