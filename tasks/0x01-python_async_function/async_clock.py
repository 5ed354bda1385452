#!/usr/bin/env python3
"""A faster clock for asyncio.sleep, and Python 3.7's asyncio.wait.

Imported by every main file before the learner's module. It replaces
asyncio.sleep with a sleep that lasts SCALE times the requested delay and
records every requested delay, so a check can tell which delays a coroutine
really awaited, whether they ran concurrently, and still finish in a fraction
of the task's seconds. The event loop, the tasks and the learner's code are
the real ones: only the length of each sleep shrinks, by the same factor.

asyncio.wait() took bare coroutines up to Python 3.10 (the school ran 3.7);
3.11 raises TypeError for them. wait() below wraps coroutines in tasks first,
as 3.7 did, so code that was right on 3.7 runs the same here.
"""
import asyncio
import time

SCALE = 0.05
requested = []
_sleep = asyncio.sleep
_wait = asyncio.wait


async def sleep(delay, result=None):
    """Records delay and sleeps SCALE times as long."""
    requested.append(delay)
    return await _sleep(delay * SCALE, result)


async def wait(fs, *args, **kwargs):
    """asyncio.wait accepting coroutines, as on Python 3.7."""
    return await _wait({asyncio.ensure_future(f) for f in fs}, *args,
                       **kwargs)


asyncio.sleep = sleep
asyncio.wait = wait


def timed(run):
    """run() and how long it took, in the task's (unscaled) seconds."""
    start = time.monotonic()
    value = run()
    return value, (time.monotonic() - start) / SCALE
