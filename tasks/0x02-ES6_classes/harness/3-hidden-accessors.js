import Currency from './3-currency.js';

const currency = new Currency('EUR', 'Euro');
console.log(currency.code, currency.name, currency._code, currency._name);
currency.code = 'GBP';
currency.name = 'Pound';
console.log(currency.displayFullCurrency());
