-- Items in stock and their orders.
DROP TABLE IF EXISTS items;
DROP TABLE IF EXISTS orders;
CREATE TABLE items (
    name VARCHAR(255) NOT NULL,
    quantity INT NOT NULL DEFAULT 10
);
CREATE TABLE orders (
    item_name VARCHAR(255) NOT NULL,
    number INT NOT NULL
);
INSERT INTO items (name) VALUES ("plum"), ("fig"), ("kiwi");
