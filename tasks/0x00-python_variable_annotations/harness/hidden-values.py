#!/usr/bin/env python3
"""Return values beyond the main files' examples: `python3 hidden-values.py
TASK` checks the function of one task."""
import sys

task = sys.argv[1]
if task == "0":
    add = __import__('0-add').add
    print(add(1.5, 2.25), add(-1.0, 0.5))
elif task == "1":
    concat = __import__('1-concat').concat
    print(repr(concat("", "")), repr(concat("a b", "c")))
elif task == "2":
    floor = __import__('2-floor').floor
    print(floor(2.0), floor(-2.5), floor(0.999), type(floor(-2.5)))
elif task == "3":
    to_str = __import__('3-to_str').to_str
    print(repr(to_str(-0.5)), repr(to_str(1e-07)))
elif task == "4":
    module = __import__('4-define_variables')
    names = ('a', 'pi', 'i_understand_annotations', 'school')
    print([module.__annotations__.get(name) for name in names])
elif task == "5":
    sum_list = __import__('5-sum_list').sum_list
    print(sum_list([0.5, 0.25]), sum_list([1.5]))
elif task == "6":
    sum_mixed_list = __import__('6-sum_mixed_list').sum_mixed_list
    # An int sum of ints is accepted: the annotation float admits an int.
    print(sum_mixed_list([1, 2.5, -3]), sum_mixed_list([1, 2]) == 3)
elif task == "7":
    to_kv = __import__('7-to_kv').to_kv
    k, v = to_kv("x", -1.5)
    print(k, v, to_kv("y", 4)[1] == 16)
elif task == "8":
    make_multiplier = __import__('8-make_multiplier').make_multiplier
    double, third = make_multiplier(2.0), make_multiplier(0.5)
    print(double(3.5), third(3.0), double(-1.0))
elif task == "9":
    element_length = __import__('9-element_length').element_length
    print(element_length(["ab", (1, 2, 3), []]), element_length([]))
elif task == "100":
    first = __import__('100-safe_first_element').safe_first_element
    print(first([]), first("xyz"), first([None, 1]), first((7,)))
elif task == "101":
    get = __import__('101-safely_get_value').safely_get_value
    print(get({"a": 1}, "a"), get({"a": 1}, "b"), get({"a": 1}, "b", 5),
          get({}, "a", [2]))
elif task == "102":
    zoom_array = __import__('102-type_checking').zoom_array
    print(zoom_array((1, 2)), zoom_array((3,), 3), zoom_array(()))
