-- Payments: remember the provider's payment id on each order.
ALTER TABLE orders ADD COLUMN payment_id text;

CREATE INDEX orders_payment_id_idx ON orders (payment_id);
