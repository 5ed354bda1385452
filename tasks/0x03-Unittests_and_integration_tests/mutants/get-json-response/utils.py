#!/usr/bin/env python3
"""Generic utilities for the GitHub org client.

A broken version for checking the learner's tests: get_json returns the
response instead of its JSON.
"""
from functools import wraps
from typing import Any, Callable, Dict, Mapping, Sequence

import requests

__all__ = ["access_nested_map", "get_json", "memoize"]


def access_nested_map(nested_map: Mapping, path: Sequence) -> Any:
    """The value at path in nested_map.

    >>> access_nested_map({"a": {"b": 2}}, ("a", "b"))
    2

    Raises KeyError(key) for the first key of path that is missing, or that
    is looked up in something that is not a mapping.
    """
    for key in path:
        if not isinstance(nested_map, Mapping):
            raise KeyError(key)
        nested_map = nested_map[key]
    return nested_map


def get_json(url: str) -> Dict:
    """The JSON body of a GET request to url."""
    return requests.get(url)


def memoize(fn: Callable) -> property:
    """Turns a method into a property computed once per instance.

    The value is kept in the attribute `_<method name>`.
    """
    attribute = "_{}".format(fn.__name__)

    @wraps(fn)
    def memoized(self):
        """The stored value, computed on first access."""
        if not hasattr(self, attribute):
            setattr(self, attribute, fn(self))
        return getattr(self, attribute)

    return property(memoized)
