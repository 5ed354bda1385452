const probeMinor = { credits: 1 } as unknown as MinorCredits;
sumMajorCredits(probeMinor, probeMinor);
