"""Schemathesis hooks for the fuzz run: who the generated requests are sent as.

`run_schemathesis.py` starts the service, logs in the identity under test and hands its token
over in FUZZ_TOKEN (and the service's address in FUZZ_BASE_URL). Every operation is sent with
that token, except the two that would destroy it mid-run: `POST /logout` revokes the token it
is sent with, and `POST /me/password` ends the account's other sessions when it succeeds. Each
of their test cases gets a token of its own instead, for a throwaway account registered on the
spot, so that both are fuzzed like every other operation without spoiling the run's token.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

import httpx
import schemathesis

SELF_DESTRUCTIVE_PATHS = ["/logout", "/me/password"]
# The password of the documented `changePassword` example, so that its example case succeeds.
PASSWORD = "correct-horse-battery"


def _bearer(case: Any, token: str) -> None:
    case.headers = case.headers or {}
    case.headers["Authorization"] = f"Bearer {token}"


@schemathesis.auth(refresh_interval=None).apply_to(path=SELF_DESTRUCTIVE_PATHS)
class ThrowawayAccount:
    """A new account and token for each test case: what the case does to them harms nothing."""

    def get(self, case: Any, context: Any) -> str:
        name = f"fz-{secrets.token_hex(8)}"
        with httpx.Client(base_url=os.environ["FUZZ_BASE_URL"], timeout=30) as client:
            registered = client.post(
                "/register",
                json={"username": name, "email": f"{name}@example.com", "password": PASSWORD},
            )
            registered.raise_for_status()
            login = client.post("/login", json={"username": name, "password": PASSWORD})
            login.raise_for_status()
            token: str = login.json()["access_token"]
            return token

    def set(self, case: Any, data: str, context: Any) -> None:
        _bearer(case, data)


@schemathesis.auth(refresh_interval=None).skip_for(path=SELF_DESTRUCTIVE_PATHS)
class RunToken:
    """The token of the identity under test (a user's or an admin's), logged in beforehand."""

    def get(self, case: Any, context: Any) -> str:
        return os.environ["FUZZ_TOKEN"]

    def set(self, case: Any, data: str, context: Any) -> None:
        _bearer(case, data)
