import Airport from './7-airport.js';

const airport = new Airport('Los Angeles', 'LAX');
console.log(String(airport), `${airport}`, Object.prototype.toString.call(airport));
console.log(airport._name, airport._code);
