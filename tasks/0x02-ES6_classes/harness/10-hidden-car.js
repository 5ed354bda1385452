import Car from './10-car.js';

const car = new Car('Fiat', 'Eco', 'Blue');
const clone = car.cloneCar();
console.log(clone instanceof Car, clone !== car, clone.constructor === Car);
