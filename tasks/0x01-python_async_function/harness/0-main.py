#!/usr/bin/env python3
"""wait_random: returns a float delay within 0 and max_delay, the one it
awaited (see async_clock.py for the faster clock)."""
import asyncio
import inspect

from async_clock import requested

wait_random = __import__('0-basic_async_syntax').wait_random

default = inspect.signature(wait_random).parameters['max_delay'].default
print("default max_delay:", default)
print("a coroutine function:", inspect.iscoroutinefunction(wait_random))
for max_delay in (None, 5, 15, 0):
    requested.clear()
    if max_delay is None:
        value, max_delay = asyncio.run(wait_random()), 10
    else:
        value = asyncio.run(wait_random(max_delay))
    print("wait_random({}): a float: {}; within 0 and {}: {}; "
          "awaited once for the delay it returns: {}".format(
              max_delay, isinstance(value, float), max_delay,
              0 <= value <= max_delay, requested == [value]))
