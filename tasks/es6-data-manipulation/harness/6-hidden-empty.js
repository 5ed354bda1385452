import setFromArray from './6-set';

const set = setFromArray([]);
console.log(set instanceof Set, set);
