import HolbertonClass from './8-hbtn_class.js';

const hc = new HolbertonClass(30, 'Lagos');
console.log(Number(hc) * 2, `${hc}`, String(hc).length);
console.log(hc._size, hc._location);
