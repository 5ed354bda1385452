#!/usr/bin/python3
"""Feeds log lines to 0-stats.py, then presses Ctrl-C (SIGINT) while it waits.

Usage: sigint.py LOG. The program gets every line of LOG, then, after it has
had time to read them, SIGINT with its standard input still open: only the
signal can make it print its last statistics. Prints what the program printed
on standard output; its standard error (such as the KeyboardInterrupt
traceback the school's example shows) and exit code are not judged.
"""
import signal
import subprocess
import sys
import threading
import time


def main():
    """Run 0-stats.py, feed it, interrupt it and show its output."""
    with open(sys.argv[1], "rb") as f:
        lines = f.read()
    program = subprocess.Popen([sys.executable, "0-stats.py"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    output = []
    reader = threading.Thread(
        target=lambda: output.append(program.stdout.read()))
    reader.start()
    program.stdin.write(lines)
    program.stdin.flush()
    # Generous for reading 15 lines, even on a busy machine.
    time.sleep(2)
    program.send_signal(signal.SIGINT)
    try:
        program.wait(timeout=3)
    except subprocess.TimeoutExpired:
        # Still waiting for input: it ignored the signal.
        program.kill()
        program.wait()
    reader.join()
    sys.stdout.write(output[0].decode(errors="replace"))


if __name__ == "__main__":
    main()
