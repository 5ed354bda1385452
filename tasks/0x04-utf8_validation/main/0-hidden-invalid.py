#!/usr/bin/python3
"""Invalid: a lone continuation byte, truncated characters, a lead byte
followed by ASCII, and the bytes 0xF8..0xFF that never start a character."""
validUTF8 = __import__('0-validate_utf8').validUTF8

print(validUTF8([0b10000000]))
print(validUTF8([65, 0b10111111, 66]))
print(validUTF8([0xE2, 0x82]))
print(validUTF8([0xF0, 0x9F, 0x98]))
print(validUTF8([0xC3, 65]))
print(validUTF8([0xE2, 0x82, 0x41]))
print(validUTF8([0xF8, 0x88, 0x80, 0x80, 0x80]))
print(validUTF8([0xFF]))
