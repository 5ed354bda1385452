#!/usr/bin/env python3
"""async_comprehension: collects the 10 numbers of async_generator with an
async comprehension. The harness replaces async_generator by one yielding
known numbers (after the same 1 second waits) to see they are the ones
returned."""
import asyncio
import inspect

from async_clock import requested

KNOWN = [0.5, 9.25, 3.0, 7.75, 1.0, 6.5, 2.25, 8.0, 4.5, 5.75]
generator_module = __import__('0-async_generator')


async def known_generator():
    """Yields KNOWN, waiting 1 second before each."""
    for value in KNOWN:
        await asyncio.sleep(1)
        yield value

generator_module.async_generator = known_generator
async_comprehension = __import__('1-async_comprehension').async_comprehension

print("a coroutine function:",
      inspect.iscoroutinefunction(async_comprehension))
result = asyncio.run(async_comprehension())
print("returns the 10 numbers async_generator yields:", result == KNOWN)
print("as a list:", isinstance(result, list))
print("went through the 10 waits:", requested == [1] * 10)
