#!/usr/bin/env python3
"""Prints annotations as Python 3.7 printed them.

The school's expected outputs come from Python 3.7. Since Python 3.9 the repr
of a two-member Union with None is typing.Optional[X] where 3.7 printed
typing.Union[X, NoneType]; nothing else a task's annotation prints differs.
The main files print annotations through show() so that an annotation that
was right on 3.7 prints the same here.
"""


def py37(text):
    """text with every typing.Optional[X] written typing.Union[X, NoneType]."""
    opening = "typing.Optional["
    while opening in text:
        start = text.index(opening)
        depth, end = 0, start + len(opening)
        while True:
            char = text[end]
            if char == "[":
                depth += 1
            elif char == "]":
                if depth == 0:
                    break
                depth -= 1
            end += 1
        inner = text[start + len(opening):end]
        text = "{}typing.Union[{}, NoneType]{}".format(
            text[:start], inner, text[end + 1:])
    return text


def show(annotations):
    """Prints an __annotations__ dictionary as Python 3.7 did."""
    print(py37(repr(annotations)))
