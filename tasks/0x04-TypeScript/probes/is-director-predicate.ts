const probeWork = (employee: Director | Teacher): string => (
  isDirector(employee) ? employee.workDirectorTasks() : employee.workTeacherTasks()
);
