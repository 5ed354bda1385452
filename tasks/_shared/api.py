#!/usr/bin/env python3
"""Usage: python3 api.py MODULE

Prints what the school's documentation and annotation checks would see missing in MODULE: its
own docstring, and the docstring and annotations of every function, class and method it
defines, as Python sees them from outside (a method decorated with functools.wraps shows the
decorated function). As the school's checks did:
- functions nested inside others (a decorator's wrapper) are not reachable from outside the
  module, and are not checked;
- `__init__` needs no docstring (the school's own skeletons had none) and no return annotation;
- a function that returns no value (`main`, a procedure) needs no return annotation."""
import ast
import inspect
import sys
import textwrap

name = sys.argv[1]
module = __import__(name)


def documented(obj):
    """Whether obj has a docstring of its own."""
    return bool((obj.__doc__ or "").strip())


def returns_a_value(function):
    """Whether function has a `return <value>` of its own (True when unknown)."""
    try:
        source = textwrap.dedent(inspect.getsource(inspect.unwrap(function)))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError):
        return True
    body = tree.body[0] if tree.body else None
    if not isinstance(body, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return True
    pending = list(body.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                             ast.ClassDef)):
            continue
        if isinstance(node, ast.Return) and node.value is not None:
            if not (isinstance(node.value, ast.Constant) and node.value.value is None):
                return True
        pending.extend(ast.iter_child_nodes(node))
    return False


def check_function(label, function, method):
    """Prints what function lacks."""
    if not documented(function) and function.__name__ != "__init__":
        print("{}: no docstring".format(label))
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return
    parameters = list(signature.parameters.values())
    if method and parameters and parameters[0].name in ("self", "cls"):
        parameters = parameters[1:]
    for parameter in parameters:
        if parameter.annotation is inspect.Parameter.empty:
            print("{}: parameter {} not annotated".format(label, parameter.name))
    returns = signature.return_annotation is not inspect.Signature.empty
    if (not returns and function.__name__ != "__init__"
            and returns_a_value(function)):
        print("{}: return not annotated".format(label))


if not documented(module):
    print("{}: no module docstring".format(name))
for member_name, member in vars(module).items():
    if getattr(member, "__module__", None) != name:
        continue
    if inspect.isclass(member):
        if not documented(member):
            print("{}: no docstring".format(member_name))
        for attribute, value in vars(member).items():
            if inspect.isfunction(value):
                label = "{}.{}".format(member_name, attribute)
                check_function(label, value, True)
    elif inspect.isfunction(member):
        check_function(member_name, member, False)
