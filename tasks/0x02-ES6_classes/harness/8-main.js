import HolbertonClass from './8-hbtn_class.js';

const hc = new HolbertonClass(12, 'Mezzanine');
console.log(Number(hc));
console.log(String(hc));
