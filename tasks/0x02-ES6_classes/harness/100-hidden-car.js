import Car from './10-car.js';
import EVCar from './100-evcar.js';

const ev = new EVCar('Rivian', 'Dual', 'Green', '400');
const clone = ev.cloneCar();
console.log(ev instanceof Car, clone instanceof Car, clone instanceof EVCar, clone !== ev);
