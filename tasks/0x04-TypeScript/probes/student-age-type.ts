const probeStudent: Student = { firstName: 'Ada', lastName: 'Lovelace', age: '36', location: 'London' };
