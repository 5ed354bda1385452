const probeTeacher: Teacher = {
  firstName: 'John',
  lastName: 'Doe',
  fullTimeEmployee: 'yes',
  location: 'London',
};
