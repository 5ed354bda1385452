import ClassRoom from './0-classroom.js';

const room = new ClassRoom(10);
console.log(room._maxStudentsSize);
