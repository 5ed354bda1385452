"""Start-up hook of the checks (PYTHONPATH=/work): SQLAlchemy 1.3's behaviour on Debian's 1.4
where learners' passing solutions depended on it. Nothing is imported until the learner's code
imports SQLAlchemy; only these two modules are patched, each after it has loaded.

- Session lifetime. Under 1.3 (the school's) a Session that a DB method opened and dropped kept
  its objects attached, so `user.id` after `add_user` reloaded the expired attribute. 1.4 frees
  such a Session at once and the read raises DetachedInstanceError. Sessions are kept alive for
  the process here (close() still detaches, as in both versions).
- Query.update() with a name that is no column raised InvalidRequestError in 1.3 (which the
  task's ValueError is made from); 1.4 raises CompileError ("Unconsumed column names"). That
  CompileError is raised as InvalidRequestError here.
"""
import importlib.machinery
import sys

_SESSIONS = []


def _patch_session(module):
    """Every Session stays reachable, as 1.3's did."""
    original = module.Session.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        _SESSIONS.append(self)

    module.Session.__init__ = __init__


def _patch_query(module):
    """Query.update raises 1.3's error for a name that is no column."""
    from sqlalchemy import exc
    original = module.Query.update

    def update(self, *args, **kwargs):
        try:
            return original(self, *args, **kwargs)
        except exc.CompileError as error:
            if "Unconsumed column names" not in str(error):
                raise
            raise exc.InvalidRequestError(str(error)) from error

    module.Query.update = update


PATCHES = {"sqlalchemy.orm.session": _patch_session,
           "sqlalchemy.orm.query": _patch_query}


class _PatchingLoader:
    """Runs the real loader, then patches the module."""

    def __init__(self, loader, patch):
        self.loader = loader
        self.patch = patch

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        self.patch(module)


class _Finder:
    """Finds the patched modules as usual, with a patching loader."""

    def find_spec(self, name, path=None, target=None):
        patch = PATCHES.get(name)
        if patch is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _PatchingLoader(spec.loader, patch)
        return spec


sys.meta_path.insert(0, _Finder())
