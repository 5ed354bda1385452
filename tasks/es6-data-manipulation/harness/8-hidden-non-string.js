import cleanSet from './8-clean_set.js';

const set = new Set(['42abc', 'nullx', 'undefinedy', 'bonjour']);
console.log(JSON.stringify(cleanSet(set, 42)));
console.log(JSON.stringify(cleanSet(set, null)));
console.log(JSON.stringify(cleanSet(set)));
