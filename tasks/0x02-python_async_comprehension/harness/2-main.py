#!/usr/bin/env python3
"""measure_runtime: four async_comprehension in parallel, and the time they
took (roughly 10 seconds of the task's time)."""
import asyncio

from async_clock import SCALE, requested, timed

measure_runtime = __import__('2-measure_runtime').measure_runtime

value, elapsed = timed(lambda: asyncio.run(measure_runtime()))
print("returns a float:", isinstance(value, float))
print("ran async_comprehension four times:", requested == [1] * 40)
# In parallel the four comprehensions take their 10 waits of 1 second once;
# one after the other they would take 40. Half a real second of slack
# for a busy machine.
print("in parallel, roughly 10 seconds:",
      10 * SCALE - 0.005 <= value <= 10 * SCALE + 0.5)
print("the runtime it measured:", value <= elapsed + 0.005)
