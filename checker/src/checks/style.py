"""Checker's own style tools: `docstrings` and `annotations`.

Run as `python3 -I - TOOL FILE...` with this script on standard input. Prints one finding per
line as `file:line:col CODE message` and exits 1 when there is any, 0 otherwise.
"""
import ast
import sys


def documented(node):
    """True when `node` starts with a non-empty docstring."""
    doc = ast.get_docstring(node)
    return doc is not None and doc.strip() != ""


def docstrings(tree):
    """The module, every class and every function or method (nested ones too) is documented."""
    if not documented(tree):
        yield 1, 1, "D100", "the module has no docstring"
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and not documented(node):
            yield (node.lineno, node.col_offset + 1, "D101",
                   "class `%s` has no docstring" % node.name)
        elif (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
              and not documented(node)):
            yield (node.lineno, node.col_offset + 1, "D103",
                   "function `%s` has no docstring" % node.name)


def annotations(tree):
    """Every parameter but self/cls and every return of every function is annotated."""
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        args = node.args
        params = args.posonlyargs + args.args + args.kwonlyargs
        params += [a for a in (args.vararg, args.kwarg) if a is not None]
        annotated = 0
        for arg in params:
            if arg.annotation is not None:
                annotated += 1
            elif arg.arg not in ("self", "cls"):
                yield (arg.lineno, arg.col_offset + 1, "ANN001",
                       "parameter `%s` of `%s` has no type annotation"
                       % (arg.arg, node.name))
        # Like mypy: `__init__` with annotated parameters needs no `-> None`.
        if node.returns is None and not (node.name == "__init__" and annotated):
            yield (node.lineno, node.col_offset + 1, "ANN201",
                   "function `%s` has no return type annotation" % node.name)


def main():
    """Checks every file named on the command line with the tool named first."""
    tool = {"docstrings": docstrings, "annotations": annotations}[sys.argv[1]]
    found = 0
    for path in sys.argv[2:]:
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
        for line, col, code, message in sorted(tool(tree)):
            found += 1
            print("%s:%d:%d %s %s" % (path, line, col, code, message))
    sys.exit(1 if found else 0)


main()
