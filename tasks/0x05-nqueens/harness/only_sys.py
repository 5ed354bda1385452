#!/usr/bin/python3
"""Runs 0-nqueens.py as its own main program, refusing every import but sys.

Usage: only_sys.py N. The program's code gets builtins whose __import__
lets `sys` through (however it is written: `import sys`, `from sys import
argv`, `__import__("sys")`) and raises ImportError for any other module, so
an import the program executes makes it fail; the interpreter's own imports
are untouched.
"""
import builtins
import sys


def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    """__import__ that lets only the sys module through."""
    if level == 0 and name == "sys":
        return sys
    raise ImportError("only the sys module may be imported, not " + name)


def main():
    """Execute 0-nqueens.py as __main__ with the guarded builtins."""
    with open("0-nqueens.py") as f:
        code = compile(f.read(), "0-nqueens.py", "exec")
    guarded = dict(vars(builtins), __import__=guarded_import)
    sys.argv = ["0-nqueens.py"] + sys.argv[1:]
    exec(code, {"__name__": "__main__", "__file__": "0-nqueens.py",
                "__builtins__": guarded})


if __name__ == "__main__":
    main()
