const express = require('express');

const app = express();
const port = 7865;

app.get('/', (req, res) => {
  res.send('Welcome to the payment system');
});

// Only numeric ids match; any other id falls through to Express's 404.
app.get('/cart/:id(\\d+)', (req, res) => {
  res.send(`Payment methods for cart`);
});

app.listen(port, () => {
  console.log(`API available on localhost port ${port}`);
});

module.exports = app;
