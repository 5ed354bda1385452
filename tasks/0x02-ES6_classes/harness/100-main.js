import EVCar from './100-evcar.js';

// The clone's attribute values are not printed, as for 10-car.js.
const ec1 = new EVCar('Tesla', 'Turbo', 'Red', '250');
console.log(ec1);

const ec2 = ec1.cloneCar();
console.log(ec2.constructor.name, ec2 instanceof EVCar);
