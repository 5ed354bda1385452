import getNeighborhoodsList from './2-arrow.js';

// An arrow function keeps the `this` of the constructor, so the method works detached from its
// object; two lists are separate.
const first = new getNeighborhoodsList();
const second = new getNeighborhoodsList();
const { addNeighborhood } = first;
addNeighborhood('Mission');
console.log(first.sanFranciscoNeighborhoods);
console.log(second.addNeighborhood('Presidio'));
