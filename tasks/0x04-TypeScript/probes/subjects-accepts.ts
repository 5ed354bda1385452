const probeTeacher: Subjects.Teacher = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  experienceTeachingC: 1,
  experienceTeachingJava: 2,
  experienceTeachingReact: 3,
};
const probeSubjects: Subjects.Subject[] = [new Subjects.Cpp(), new Subjects.Java(), new Subjects.React()];
// setTeacher may be a method or a `set` accessor ("a setter method"): not called here.
const probeTeachers: Subjects.Teacher[] = probeSubjects.map((subject: Subjects.Subject) => subject.teacher);
const probeRequirements: string = new Subjects.Cpp().getRequirements();
const probeAvailable: string = new Subjects.React().getAvailableTeacher();
