#!/usr/bin/env python3
"""TestIntegrationGithubOrgClient: parameterized with the fixtures, its
setUpClass starts a patcher named get_patcher that mocks requests.get, and
tearDownClass stops it (`python3 integration.py run` also runs its tests)."""
import io
import sys
import unittest
from unittest import mock

import requests

import test_client
from fixtures import TEST_PAYLOAD

NAME = "TestIntegrationGithubOrgClient"
classes = [cls for name, cls in sorted(vars(test_client).items())
           if name.startswith(NAME) and isinstance(cls, type)
           and issubclass(cls, unittest.TestCase)]
payload = dict(zip(("org_payload", "repos_payload", "expected_repos",
                    "apache2_repos"), TEST_PAYLOAD[0]))
# parameterized_class makes TestIntegrationGithubOrgClient_0, ... holding
# the fixtures as class attributes.
used = [cls for cls in classes
        if all(getattr(cls, key, None) == value
               for key, value in payload.items())]
print("{} parameterized with the fixtures: {}".format(NAME, bool(used)))
if not used:
    sys.exit(0)
cls = used[0]
real_get = requests.get
cls.setUpClass()
patcher = getattr(cls, "get_patcher", None)
print("setUpClass starts get_patcher:", hasattr(patcher, "stop"))
print("requests.get is mocked:", isinstance(requests.get, mock.Mock))
cls.tearDownClass()
print("tearDownClass stops it:", requests.get is real_get)
if sys.argv[1:] == ["run"]:
    tests = unittest.defaultTestLoader.loadTestsFromTestCase(cls)
    result = unittest.TextTestRunner(stream=io.StringIO()).run(tests)
    print("its tests:", tests.countTestCases(), "ran, all passed:",
          result.wasSuccessful())
