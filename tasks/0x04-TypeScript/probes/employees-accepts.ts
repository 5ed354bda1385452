const probeTeacher = createEmployee(200);
const probeDirector = createEmployee('$500');
const probeHome: string = probeDirector.workFromHome();
const probeBreak: string = probeTeacher.getCoffeeBreak();
