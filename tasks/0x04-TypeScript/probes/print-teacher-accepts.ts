const probePrint: printTeacherFunction = printTeacher;
const probeInitials: string = probePrint('John', 'Doe');
