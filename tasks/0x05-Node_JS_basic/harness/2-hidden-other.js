const countStudents = require('./2-read_file');

// Another file than database.csv: nothing may be hard-coded.
countStudents('other.csv');
