"""Serve a learner's Flask app on 127.0.0.1:5000, as the task pages visit it.

The app is imported from its file (`python3 serve.py 4-app` imports 4-app.py) and run without
the debugger or reloader, so a learner's `__main__` block (host, port, debug) changes nothing:
the page is what is graded, not how it was started.
"""
import importlib
import sys

from flask import Flask

sys.path.insert(0, ".")
module = importlib.import_module(sys.argv[1])
app = getattr(module, "app", None)
if not isinstance(app, Flask):
    app = next((v for v in vars(module).values() if isinstance(v, Flask)), None)
if app is None:
    sys.exit("{}.py has no Flask app".format(sys.argv[1]))
app.run(host="127.0.0.1", port=5000, debug=False, use_reloader=False)
