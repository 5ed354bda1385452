#!/usr/bin/python3
"""Valid 2-, 3- and 4-byte characters, alone and mixed with ASCII."""
validUTF8 = __import__('0-validate_utf8').validUTF8

for text in ("é", "€", "\U0001F600", "naïve café", "日本語 ok", "a\U00010348z"):
    print(validUTF8(list(text.encode("utf-8"))))
