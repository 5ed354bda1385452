const probeTeacher: Subjects.Teacher = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  experienceTeachingC: 1,
  experienceTeachingJava: 2,
  experienceTeachingReact: 3,
};
const probeSubjects: Subjects.Subject[] = [new Subjects.Cpp(), new Subjects.Java(), new Subjects.React()];
probeSubjects.forEach((subject: Subjects.Subject) => subject.setTeacher(probeTeacher));
const probeRequirements: string = new Subjects.Cpp().getRequirements();
const probeAvailable: string = new Subjects.React().getAvailableTeacher();
