const probeMajor = { credits: 3 } as unknown as MajorCredits;
const probeMinor = { credits: 1 } as unknown as MinorCredits;
const probeMajors: MajorCredits = sumMajorCredits(probeMajor, probeMajor);
const probeMinors: MinorCredits = sumMinorCredits(probeMinor, probeMinor);
const probeCredits: number = probeMajors.credits + probeMinors.credits;
