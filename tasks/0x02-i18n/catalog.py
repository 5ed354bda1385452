"""Print the learner's translations of some message ids, from the .po or the .mo files.

    python3 catalog.py po|mo MSGID...

Reads translations/{en,fr}/LC_MESSAGES/messages.po (or .mo) with Babel's own readers, the ones
`pybabel compile` and Flask-Babel use.
"""
import sys

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

kind, ids = sys.argv[1], sys.argv[2:]
for lang in ("en", "fr"):
    path = "translations/{}/LC_MESSAGES/messages.{}".format(lang, kind)
    try:
        with open(path, "rb") as f:
            catalog = read_po(f) if kind == "po" else read_mo(f)
    except OSError as error:
        print("{}: {}".format(path, error.strerror))
        continue
    for msgid in ids:
        message = catalog.get(msgid)
        if message is None:
            text = "(missing)"
        elif message.fuzzy and kind == "po":
            text = "(fuzzy: pybabel compile leaves it out)"
        else:
            text = message.string or "(empty)"
        print("{} {}: {}".format(lang, msgid, text))
