import { queryAPI, weakMap } from './100-weak';

// Same content, different objects: each one is its own endpoint.
const users = { protocol: 'http', name: 'getUsers' };
const sameLooking = { protocol: 'http', name: 'getUsers' };
const never = { protocol: 'http', name: 'getUsers' };

queryAPI(users);
queryAPI(users);
queryAPI(sameLooking);
queryAPI(users);
queryAPI(users);

console.log(weakMap.get(users), weakMap.get(sameLooking), weakMap.get(never));
