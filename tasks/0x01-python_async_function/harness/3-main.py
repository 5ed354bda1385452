#!/usr/bin/env python3
"""3-main"""
import asyncio

import async_clock  # noqa: F401

task_wait_random = __import__('3-tasks').task_wait_random


async def test(max_delay: int) -> float:
    """Awaits the task and prints its class."""
    task = task_wait_random(max_delay)
    await task
    print(task.__class__)

asyncio.run(test(5))
