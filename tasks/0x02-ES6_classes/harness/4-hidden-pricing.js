import Pricing from './4-pricing.js';
import Currency from './3-currency.js';

console.log(Pricing.convertPrice(10, 2.5), Pricing.convertPrice(0, 3));
const price = new Pricing(7, new Currency('JPY', 'Yen'));
console.log(price.amount, price.currency.displayFullCurrency());
price.amount = 9;
price.currency = new Currency('USD', 'Dollar');
console.log(price.displayFullPrice());
