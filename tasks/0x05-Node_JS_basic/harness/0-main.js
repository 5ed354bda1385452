const displayMessage = require('./0-console');

displayMessage('Hello NodeJS!');
displayMessage('Checker says hi');
