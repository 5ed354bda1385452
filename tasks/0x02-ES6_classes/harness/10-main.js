import Car from './10-car.js';

// The clone's attribute values are not printed: the curriculum asks for "a new object of the
// class" (its example shows them undefined).
class TestCar extends Car {}

const tc1 = new TestCar('Nissan', 'Turbo', 'Pink');
const tc2 = tc1.cloneCar();

console.log(tc1);
console.log(tc1 instanceof TestCar);
console.log(tc2.constructor.name);
console.log(tc2 instanceof TestCar);
console.log(tc1 == tc2);
