import HolbertonCourse from './2-hbtn_course.js';

// Only the curriculum's two messages are checked; the students' error need only be a TypeError.
const outcome = (make) => {
  try {
    make();
    return 'no error';
  } catch (error) {
    return `${error.constructor.name}: ${error.message}`;
  }
};
const course = new HolbertonCourse('Go', 3, ['Ann']);
console.log(course.name, course.length, JSON.stringify(course.students));
course.length = 5;
course.students = ['Bo', 'Cy'];
console.log(course.length, JSON.stringify(course.students), JSON.stringify(Object.keys(course).sort()));
console.log(outcome(() => new HolbertonCourse(42, 1, [])));
console.log(outcome(() => new HolbertonCourse('Go', '1', [])));
console.log(outcome(() => { course.length = '2'; }));
console.log(outcome(() => new HolbertonCourse('Go', 1, 'Ann')).split(':')[0]);
