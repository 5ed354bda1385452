"""Checker's own style tools: `docstrings` and `annotations`.

Run as `python3 -I - TOOL MIN_WORDS FILE...` with this script on standard input (MIN_WORDS: the
fewest words a docstring may have). Prints one finding per line as `file:line:col CODE message`
and exits 1 when there is any, 0 otherwise.
"""
import ast
import sys


def reachable(tree):
    """The classes and functions an import reaches: those of the module and of class bodies.

    The school checks docstrings and annotations through `__import__("module").name` and
    `Class.method`, so a function defined inside another function is not among them.
    """
    bodies = [tree.body]
    while bodies:
        for node in bodies.pop():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield node
            elif isinstance(node, ast.ClassDef):
                yield node
                bodies.append(node.body)
            else:
                # `if`, `try`, `with`, `for`, `while`: their names are the module's too.
                for field in ("body", "orelse", "finalbody"):
                    bodies.append(getattr(node, field, []))
                for handler in getattr(node, "handlers", []):
                    bodies.append(handler.body)


def docstrings(tree, min_words):
    """The module, its classes and functions and their methods (special methods aside) have
    docstrings of at least `min_words` words (the school: "not a simple word, a sentence")."""
    def check(node, line, col, what):
        doc = ast.get_docstring(node)
        words = len(doc.split()) if doc else 0
        if words == 0:
            return line, col, "D10" + what[0], "%s has no docstring" % what[1]
        if words < min_words:
            return (line, col, "D11" + what[0],
                    "%s has a %d-word docstring (`%s`); write a sentence of at least %d words"
                    % (what[1], words, " ".join(doc.split()), min_words))
        return None

    found = [check(tree, 1, 1, ("0", "the module"))]
    for node in reachable(tree):
        if isinstance(node, ast.ClassDef):
            what = ("1", "class `%s`" % node.name)
        elif node.name.startswith("__") and node.name.endswith("__"):
            # Special methods: the school's own classes leave `__init__` undocumented.
            continue
        else:
            what = ("3", "function `%s`" % node.name)
        found.append(check(node, node.lineno, node.col_offset + 1, what))
    return [finding for finding in found if finding]


def annotations(tree, min_words):
    """Every parameter but self/cls and every return of every function an import reaches is
    annotated."""
    for node in reachable(tree):
        if isinstance(node, ast.ClassDef):
            continue
        args = node.args
        params = args.posonlyargs + args.args + args.kwonlyargs
        params += [a for a in (args.vararg, args.kwarg) if a is not None]
        for arg in params:
            if arg.annotation is None and arg.arg not in ("self", "cls"):
                yield (arg.lineno, arg.col_offset + 1, "ANN001",
                       "parameter `%s` of `%s` has no type annotation"
                       % (arg.arg, node.name))
        # A constructor returns None: the school's own `__init__(self)` has no `-> None`.
        if node.returns is None and node.name != "__init__":
            yield (node.lineno, node.col_offset + 1, "ANN201",
                   "function `%s` has no return type annotation" % node.name)


def main():
    """Checks every file named on the command line with the tool named first, then the
    fewest words a docstring may have."""
    tool = {"docstrings": docstrings, "annotations": annotations}[sys.argv[1]]
    min_words = int(sys.argv[2])
    found = 0
    for path in sys.argv[3:]:
        try:
            with open(path, "rb") as source:
                tree = ast.parse(source.read(), filename=path)
        except SyntaxError as error:
            found += 1
            print("%s:%d:%d E999 SyntaxError: %s" % (
                path, error.lineno or 1, error.offset or 1, error.msg))
            continue
        except (OSError, ValueError) as error:
            found += 1
            print("%s:1:1 E902 %s" % (path, error))
            continue
        for line, col, code, message in sorted(tool(tree, min_words)):
            found += 1
            print("%s:%d:%d %s %s" % (path, line, col, code, message))
    sys.exit(1 if found else 0)


main()
