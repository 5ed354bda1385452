const probeTeacher: Subjects.Teacher = { firstName: 'Ada' };
