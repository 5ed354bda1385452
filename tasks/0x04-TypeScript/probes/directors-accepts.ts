const probeDirector: Directors = {
  firstName: 'John',
  lastName: 'Doe',
  location: 'London',
  fullTimeEmployee: true,
  numberOfReports: 17,
};
const probeAsTeacher: Teacher = probeDirector;
