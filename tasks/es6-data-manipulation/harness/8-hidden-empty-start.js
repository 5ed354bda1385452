import cleanSet from './8-clean_set';

console.log(JSON.stringify(cleanSet(new Set(['apple', 'apricot', 'avocado']), '')));
console.log(JSON.stringify(cleanSet(new Set(), '')));
