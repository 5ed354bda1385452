const probeTeacher3: Teacher = {
  firstName: 'John',
  fullTimeEmployee: false,
  lastName: 'Doe',
  location: 'London',
  contract: false,
};
const probeSenior: Teacher = {
  firstName: 'Jane',
  lastName: 'Roe',
  fullTimeEmployee: true,
  yearsOfExperience: 12,
  location: 'Paris',
  office: 'B12',
};
