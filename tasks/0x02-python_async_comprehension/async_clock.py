#!/usr/bin/env python3
"""A faster clock for asyncio.sleep.

Imported by every main file before the learner's module. It replaces
asyncio.sleep with a sleep that lasts SCALE times the requested delay and
records every requested delay, so a check can tell which delays a coroutine
really awaited, whether they ran concurrently, and still finish in a fraction
of the task's seconds. The event loop, the tasks and the learner's code are
the real ones: only the length of each sleep shrinks, by the same factor.
"""
import asyncio
import time

SCALE = 0.05
requested = []
_sleep = asyncio.sleep


async def sleep(delay, result=None):
    """Records delay and sleeps SCALE times as long."""
    requested.append(delay)
    return await _sleep(delay * SCALE, result)


asyncio.sleep = sleep


def timed(run):
    """run() and how long it took, in real seconds."""
    start = time.monotonic()
    value = run()
    return value, time.monotonic() - start
