#!/usr/bin/env python3
"""task_wait_random: a regular function returning an asyncio.Task of
wait_random(max_delay)."""
import asyncio
import inspect

from async_clock import requested

task_wait_random = __import__('3-tasks').task_wait_random


async def test(max_delay):
    """The task's type and result."""
    task = task_wait_random(max_delay)
    print("returns an asyncio.Task:", isinstance(task, asyncio.Task))
    value = await task
    print("its result is a delay within 0 and {}: {}".format(
        max_delay, isinstance(value, float) and 0 <= value <= max_delay))
    print("awaited once for that delay:", requested == [value])


print("a regular function:", not inspect.iscoroutinefunction(
    task_wait_random))
asyncio.run(test(4))
