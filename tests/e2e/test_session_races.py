"""Sessions against changes that must end them, over real sockets: no login slips past a change.

Several loops log in as fast as they can while the account changes (an admin demotes it, or
its owner changes the password). argon2 is made slow enough that many logins are between
reading the account and making their session when the change lands. Once the change has
answered, no token issued to the loops may act with what the change took away.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.e2e.conftest import live_server, pooled_client
from tests.helpers import PASSWORD, bearer, make_admin

#: Rounds, each failing with some probability without the fix (a demotion's nearly always).
DEMOTION_ROUNDS = 8
PASSWORD_ROUNDS = 10
LOOPS = 6
LOGINS_BEFORE_THE_CHANGE = 2 * LOOPS
GUARD_SECONDS = 60


@dataclass
class Live:
    app: FastAPI
    http: httpx.AsyncClient


@pytest.fixture
async def live(app_with: Callable[..., Any]) -> AsyncIterator[Live]:
    # ~10 ms of argon2 a login: long enough for a change to land inside many logins. The
    # login limits are lifted: the loops log in hundreds of times, many with a stale password.
    async with (
        app_with(
            password_hash_memory_kib=8 * 1024,
            password_hash_time_cost=2,
            login_max_failures_per_account=100_000,
            login_max_failures_per_client=100_000,
            login_max_per_client=100_000,
            db_statement_timeout_seconds=5,
        ) as app,
        live_server(app) as base_url,
        pooled_client(base_url) as http,
    ):
        yield Live(app, http)


@dataclass
class Issued:
    token: str
    scopes: frozenset[str]


@dataclass
class LoginLoops:
    """`LOOPS` loops logging in until stopped; `warm` is set after a few successes."""

    http: httpx.AsyncClient
    username: str
    password: str
    issued: list[Issued] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    warm: asyncio.Event = field(default_factory=asyncio.Event)

    async def _loop(self) -> None:
        body = {"username": self.username, "password": self.password}
        while not self.stop.is_set():
            response = await self.http.post("/login", json=body)
            assert response.status_code in (200, 401), response.text
            if response.status_code == 200:
                token = response.json()
                self.issued.append(Issued(token["access_token"], frozenset(token["scope"].split())))
                if len(self.issued) >= LOGINS_BEFORE_THE_CHANGE:
                    self.warm.set()
            elif not self.issued:
                self.warm.set()  # refused from the start: nothing to wait for

    async def around(self, change: Callable[[], Any]) -> Any:
        """Run the loops, make the change once they are warm, stop them when it answered."""
        loops = [asyncio.create_task(self._loop()) for _ in range(LOOPS)]
        try:
            await asyncio.wait_for(self.warm.wait(), GUARD_SECONDS)
            result = await change()
        finally:
            self.stop.set()
            await asyncio.wait_for(asyncio.gather(*loops), GUARD_SECONDS)
        return result


async def _token(http: httpx.AsyncClient, username: str, password: str = PASSWORD) -> str:
    response = await http.post("/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def _register(http: httpx.AsyncClient, username: str) -> str:
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    response = await http.post("/register", json=body)
    assert response.status_code == 201, response.text
    user_id: str = response.json()["id"]
    return user_id


async def _still_works_without_admin(http: httpx.AsyncClient, ada_id: str, issued: Issued) -> bool:
    """Whether the token still works; it can act as an admin in no way."""
    headers = bearer(issued.token)
    listed = await http.get("/admin/users", headers=headers)
    assert listed.status_code in (401, 403), listed.text
    promote_self = await http.patch(
        f"/admin/users/{ada_id}", json={"role": "admin"}, headers=headers
    )
    assert promote_self.status_code in (401, 403), promote_self.text
    me = await http.get("/me", headers=headers)
    assert me.status_code in (200, 401), me.text
    return me.status_code == 200


async def test_no_token_keeps_admin_scopes_once_a_demotion_answered(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    http = live.http
    await make_admin(live.app.state.settings, monkeypatch)
    root = bearer(await _token(http, "root"))
    ada_id = await _register(http, "ada")
    for round_ in range(DEMOTION_ROUNDS):
        promoted = await http.patch(f"/admin/users/{ada_id}", json={"role": "admin"}, headers=root)
        assert promoted.status_code == 200, promoted.text
        loops = LoginLoops(http, "ada", PASSWORD)

        async def demote() -> httpx.Response:
            return await http.patch(f"/admin/users/{ada_id}", json={"role": "user"}, headers=root)

        demoted = await loops.around(demote)
        assert demoted.status_code == 200, demoted.text

        checks = (_still_works_without_admin(http, ada_id, issued) for issued in loops.issued)
        works = await asyncio.gather(*checks)
        survivors = [issued for issued, ok in zip(loops.issued, works, strict=True) if ok]
        # A token that lives on is one issued with the scopes of the new role.
        assert all("users:admin" not in issued.scopes for issued in survivors), round_
        assert all("catalog:write" not in issued.scopes for issued in survivors), round_
        assert len(loops.issued) > LOGINS_BEFORE_THE_CHANGE - 1


async def test_no_token_of_the_old_password_survives_a_password_change(live: Live) -> None:
    http = live.http
    await _register(http, "ada")
    password = PASSWORD
    changer = bearer(await _token(http, "ada"))
    for round_ in range(PASSWORD_ROUNDS):
        new_password = f"new-password-number-{round_}"
        loops = LoginLoops(http, "ada", password)

        async def change(old: str = password, new: str = new_password) -> httpx.Response:
            body = {"current_password": old, "new_password": new}
            return await http.post("/me/password", json=body, headers=changer)

        changed = await loops.around(change)
        assert changed.status_code == 204, changed.text
        password = new_password

        async def works(issued: Issued) -> bool:
            return (await http.get("/me", headers=bearer(issued.token))).status_code != 401

        alive = [ok for ok in await asyncio.gather(*map(works, loops.issued)) if ok]
        assert alive == [], f"round {round_}: {len(alive)} of {len(loops.issued)} survived"
        assert (await http.get("/me", headers=changer)).status_code == 200
        stale = await http.post("/login", json={"username": "ada", "password": loops.password})
        assert stale.status_code == 401, stale.text
