"""Ask a learner's app what Flask-Babel resolves for some requests.

    python3 probe.py MODULE WHAT [REQUEST...]

WHAT is `config`, `locale`, `timezone`, `user` or `time`; a REQUEST is a query string,
optionally followed by `#` and an Accept-Language header (`login_as=2&locale=fr#fr-CH`). Each
request is a fresh request context in which the app's before_request functions have run, the
way a real request reaches the page.
"""
import datetime
import importlib
import re
import sys

import flask
import flask_babel
import pytz
from babel.dates import format_datetime

sys.path.insert(0, ".")
module = importlib.import_module(sys.argv[1])
app = getattr(module, "app", None)
if not isinstance(app, flask.Flask):
    app = next((v for v in vars(module).values()
                if isinstance(v, flask.Flask)), None)
if app is None:
    sys.exit("{}.py has no Flask app".format(sys.argv[1]))
what = sys.argv[2]


def context(request):
    query, _, accept = request.partition("#")
    headers = {"Accept-Language": accept} if accept else {}
    return app.test_request_context("/?" + query, headers=headers)


def shown_time(request):
    """The time the page shows, against the current time where the request is."""
    query, _, accept = request.partition("#")
    headers = {"Accept-Language": accept} if accept else {}
    with context(request):
        app.preprocess_request()
        zone = pytz.timezone(str(flask_babel.get_timezone()))
        locale = str(flask_babel.get_locale())
    before = datetime.datetime.now(zone)
    page = app.test_client().get("/?" + query, headers=headers)
    after = datetime.datetime.now(zone)
    text = re.sub(r"\s+", " ", page.get_data(as_text=True))
    found = re.search(r"(?:The current time is|Nous sommes le) (.*?)\.? ?<", text)
    if not found:
        return "neither 'The current time is' nor 'Nous sommes le' on the page"
    shown = found.group(1).strip().rstrip(".")
    # The page's moment lies between before and after: any second of it matches.
    moment = before.replace(microsecond=0)
    while moment <= after:
        if shown == format_datetime(moment, locale=locale):
            return "the current time in {}".format(zone)
        moment += datetime.timedelta(seconds=1)
    return "{!r}, not the current time in {} ({!r})".format(
        shown, zone, format_datetime(before, locale=locale))


for request in sys.argv[3:]:
    if what == "time":
        print("{}: {}".format(request, shown_time(request)))
        continue
    with context(request):
        app.preprocess_request()
        if what == "locale":
            value = flask_babel.get_locale()
        elif what == "timezone":
            value = flask_babel.get_timezone()
        elif what == "user":
            user = getattr(flask.g, "user", None)
            value = user.get("name") if isinstance(user, dict) else user
        print("{} -> {}".format(request or "(none)", value))

if what == "config":
    babel = app.extensions.get("babel")
    print("babel:", type(getattr(module, "babel", None)).__name__)
    print("LANGUAGES:", app.config.get("LANGUAGES"))
    print("default locale:", babel and babel.default_locale)
    print("default timezone:", babel and babel.default_timezone)
