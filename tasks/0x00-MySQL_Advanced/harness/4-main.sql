-- Orders decrease the quantity of their item, and of no other.
INSERT INTO orders (item_name, number) VALUES ('plum', 2);
INSERT INTO orders (item_name, number) VALUES ('kiwi', 7);
INSERT INTO orders (item_name, number) VALUES ('plum', 3);
SELECT * FROM items;
SELECT * FROM orders;
