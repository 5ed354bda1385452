#!/usr/bin/env python3
"""wait_n or task_wait_n (`python3 wait_n.py MODULE FUNCTION`): n delays,
the ones awaited, in ascending order, awaited concurrently."""
import asyncio
import sys

from async_clock import SCALE, requested, timed

wait_n = getattr(__import__(sys.argv[1]), sys.argv[2])

for n, max_delay in ((5, 5), (10, 7), (10, 0), (1, 3)):
    requested.clear()
    delays, elapsed = timed(lambda: asyncio.run(wait_n(n, max_delay)))
    floats = isinstance(delays, list) and len(delays) == n and all(
        isinstance(delay, float) for delay in delays)
    print("{}({}, {}): a list of {} floats: {}".format(
        sys.argv[2], n, max_delay, n, floats))
    print("  the delays awaited: {}".format(
        sorted(delays) == sorted(requested)))
    print("  in ascending order: {}".format(delays == sorted(delays)))
    # Awaited one after the other they would take the sum of the delays;
    # concurrent, the longest (plus half a real second of slack for a busy
    # machine; wait_n(10, 7) one after the other takes about 30 s more).
    print("  concurrently: {}".format(
        elapsed <= max(requested) + 0.5 / SCALE))
