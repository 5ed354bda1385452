#!/usr/bin/env python3
"""async_generator: 10 times, waits 1 second, then yields a random number
between 0 and 10 (see async_clock.py for the faster clock)."""
import asyncio
import inspect

from async_clock import requested

async_generator = __import__('0-async_generator').async_generator


async def collect():
    """The values, and whether each came right after a 1 second wait."""
    values, waits = [], []
    async for value in async_generator():
        waits.append(requested == [1] * (len(values) + 1))
        values.append(value)
    return values, waits

print("an async generator function:",
      inspect.isasyncgenfunction(async_generator))
values, waits = asyncio.run(collect())
print("yields 10 numbers:", len(values) == 10 and all(
    isinstance(value, (int, float)) for value in values))
print("each between 0 and 10:", all(0 <= value <= 10 for value in values))
print("waits 1 second before each:", all(waits) and len(requested) == 10)
print("random:", len(set(values)) > 1)
