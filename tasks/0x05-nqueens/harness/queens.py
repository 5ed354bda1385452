#!/usr/bin/python3
"""Runs 0-nqueens.py with the given arguments and lists each solution's
queens by row.

Usage: queens.py [--only-sys] N. The task lets solutions come in any order;
a solution is a set of queens, so a line that lists them in another order
(e.g. from the last row up) is the same solution. Each line of the exact
form [[r, c], [r, c], ...] is printed with its pairs sorted by row; any
other line is printed unchanged, so the format is still checked. The
program's standard error and exit code are passed on as they are; with
--only-sys it runs under only_sys.py.
"""
import re
import subprocess
import sys

PAIR = r"\[\d+, \d+\]"
LINE = re.compile(r"\[{0}(, {0})*\]".format(PAIR))


def main():
    """Run the program, reorder the queens of each solution line."""
    args = sys.argv[1:]
    command = [sys.executable, "0-nqueens.py"]
    if args and args[0] == "--only-sys":
        command = [sys.executable, "only_sys.py"]
        args = args[1:]
    program = subprocess.run(command + args, stdout=subprocess.PIPE)
    for line in program.stdout.decode(errors="replace").splitlines():
        if LINE.fullmatch(line):
            pairs = sorted(re.findall(PAIR, line),
                           key=lambda p: int(p[1:].split(",")[0]))
            line = "[" + ", ".join(pairs) + "]"
        print(line)
    sys.exit(program.returncode)


if __name__ == "__main__":
    main()
