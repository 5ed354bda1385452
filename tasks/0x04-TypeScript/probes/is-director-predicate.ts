const probeEmployee = createEmployee(1000);
const probeWork: string = isDirector(probeEmployee)
  ? probeEmployee.workDirectorTasks()
  : probeEmployee.workTeacherTasks();
