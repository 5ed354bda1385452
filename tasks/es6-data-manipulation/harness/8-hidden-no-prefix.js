import cleanSet from './8-clean_set';

const set = new Set(['xbonx', 'Bonjour', 'bonsai', 'test', 'bonbon', 'carbon']);
console.log(JSON.stringify(cleanSet(set, 'bon')));
console.log(JSON.stringify(cleanSet(set, 'zzz')));
