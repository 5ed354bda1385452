#!/usr/bin/python3
"""Primes, prime powers and mixed factors."""
minOperations = __import__('0-minoperations').minOperations

for n in (7, 97, 1024, 2187, 12345, 1000000, 999983):
    print(n, minOperations(n))
