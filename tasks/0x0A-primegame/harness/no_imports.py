#!/usr/bin/python3
"""Loads 0-prime_game.py with every import refused, then plays the example.

"You cannot import any packages in this task": the module's code gets
builtins whose __import__ raises ImportError, so any import it executes,
when loaded or while playing, makes it fail. The interpreter's own imports
are untouched.
"""
import builtins


def refused_import(name, globals=None, locals=None, fromlist=(), level=0):
    """__import__ that lets nothing through."""
    raise ImportError("no module may be imported, not " + name)


def main():
    """Load the learner's module under the guard and call isWinner."""
    with open("0-prime_game.py") as f:
        code = compile(f.read(), "0-prime_game.py", "exec")
    module = {"__name__": "0-prime_game", "__file__": "0-prime_game.py",
              "__builtins__": dict(vars(builtins), __import__=refused_import)}
    exec(code, module)
    print("Winner: {}".format(module["isWinner"](5, [2, 5, 1, 4, 3])))
    print("Winner: {}".format(module["isWinner"](3, [4, 5, 1])))


if __name__ == "__main__":
    main()
