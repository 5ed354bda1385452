import ClassRoom from './0-classroom.js';
import initializeRooms from './1-make_classrooms.js';

const rooms = initializeRooms();
console.log(Array.isArray(rooms), rooms.length);
console.log(rooms.map((room) => room instanceof ClassRoom).join(' '));
