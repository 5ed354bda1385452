#!/usr/bin/env python3
"""measure_time: the time wait_n(n, max_delay) took, divided by n."""
from async_clock import SCALE, requested, timed

measure_time = __import__('2-measure_runtime').measure_time

for n, max_delay in ((5, 9), (3, 2)):
    requested.clear()
    value, elapsed = timed(lambda: measure_time(n, max_delay))
    print("measure_time({}, {}): a float: {}".format(
        n, max_delay, isinstance(value, float)))
    # The run lasts at least its longest sleep, and at most what the
    # harness measured around measure_time.
    longest = max(requested) * SCALE
    print("  total time / n: {}".format(
        longest - 0.005 <= value * n <= elapsed * SCALE + 0.005))
