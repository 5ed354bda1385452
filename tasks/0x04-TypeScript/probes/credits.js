const sumMajorCredits = learner('sumMajorCredits');
const sumMinorCredits = learner('sumMinorCredits');
console.log(`sumMajorCredits(3, 4).credits: ${sumMajorCredits({ credits: 3 }, { credits: 4 }).credits}`);
console.log(`sumMinorCredits(1, 2).credits: ${sumMinorCredits({ credits: 1 }, { credits: 2 }).credits}`);
