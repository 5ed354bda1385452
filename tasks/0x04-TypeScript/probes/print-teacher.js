const printTeacher = learner('printTeacher');
console.log(`printTeacher('John', 'Doe'): ${printTeacher('John', 'Doe')}`);
console.log(`printTeacher('Ada', 'Lovelace'): ${printTeacher('Ada', 'Lovelace')}`);
