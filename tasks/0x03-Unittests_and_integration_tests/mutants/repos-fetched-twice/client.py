#!/usr/bin/env python3
"""A GitHub organisation client.

A broken version for checking the learner's tests: public_repos fetches the
repositories twice.
"""
from typing import Dict, List

from utils import access_nested_map, get_json, memoize


class GithubOrgClient:
    """A client for one GitHub organisation."""
    ORG_URL = "https://api.github.com/orgs/{org}"

    def __init__(self, org_name: str) -> None:
        """A client for org_name."""
        self._org_name = org_name

    @memoize
    def org(self) -> Dict:
        """The organisation's JSON (fetched once)."""
        return get_json(self.ORG_URL.format(org=self._org_name))

    @property
    def _public_repos_url(self) -> str:
        """The URL of the organisation's repositories."""
        return self.org["repos_url"]

    @memoize
    def repos_payload(self) -> Dict:
        """The JSON list of the organisation's repositories (fetched once)."""
        return get_json(self._public_repos_url)

    def public_repos(self, license: str = None) -> List[str]:
        """The names of the public repositories, of one license if given."""
        json_payload = get_json(self._public_repos_url)
        if not get_json(self._public_repos_url):
            return []
        return [
            repo["name"] for repo in json_payload
            if license is None or self.has_license(repo, license)
        ]

    @staticmethod
    def has_license(repo: Dict[str, Dict], license_key: str) -> bool:
        """Whether repo's license has the key license_key."""
        assert license_key is not None, "license_key cannot be None"
        try:
            return access_nested_map(repo, ("license", "key")) == license_key
        except KeyError:
            return False
