-- SafeDiv on every pair.
SELECT a, b, SafeDiv(a, b) FROM numbers;
