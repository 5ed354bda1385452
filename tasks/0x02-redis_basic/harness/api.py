#!/usr/bin/env python3
"""Usage: python3 api.py MODULE

Prints what the school's documentation and annotation checks would see missing in MODULE: its
own docstring, and the docstring and annotations of every function, class and method it
defines, as Python sees them from outside (a method decorated with functools.wraps shows the
decorated function). Functions nested inside others (a decorator's wrapper) are not reachable
from outside the module, and were not checked."""
import inspect
import sys

name = sys.argv[1]
module = __import__(name)


def documented(obj):
    """Whether obj has a docstring of its own."""
    return bool((obj.__doc__ or "").strip())


def check_function(label, function, method):
    """Prints what function lacks."""
    if not documented(function):
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
    if not returns and function.__name__ != "__init__":
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
