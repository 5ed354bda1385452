"""Start-up hook of the checks (PYTHONPATH=/work): SQLAlchemy 1.3's session lifetime on 1.4.

In SQLAlchemy 1.3 (the school's), Session.commit() began the next transaction at once, and that
transaction referred back to its Session: a Session nobody held any more lived on until Python's
cycle collector ran, so the objects it had loaded stayed attached and could reload expired
attributes. Debian's 1.4 begins transactions lazily, so such a Session is freed as soon as the
last reference goes, and reading `user.id` after `add_user` raises DetachedInstanceError. DB
classes that open a session per call and drop it passed at school; this gives every Session the
same reference cycle (and lifetime) as 1.3, and changes nothing else. It is installed lazily:
nothing is imported until the learner's code imports SQLAlchemy.
"""
import importlib.machinery
import sys

TARGET = "sqlalchemy.orm.session"


def _keep_sessions_as_1_3_did(module):
    """Every Session refers to itself, as 1.3's did through its transaction."""
    original = module.Session.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self._lifetime_as_in_sqlalchemy_1_3 = self

    module.Session.__init__ = __init__


class _PatchingLoader:
    """Runs the real loader, then patches the module."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        _keep_sessions_as_1_3_did(module)


class _Finder:
    """Finds sqlalchemy.orm.session as usual, with a patching loader."""

    def find_spec(self, name, path=None, target=None):
        if name != TARGET:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _PatchingLoader(spec.loader)
        return spec


sys.meta_path.insert(0, _Finder())
