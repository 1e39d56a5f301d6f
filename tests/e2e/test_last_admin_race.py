"""Two admins removing each other at the same moment, over real sockets: one admin remains.

Each change alone is allowed (the other admin remains); together they would leave none. The
database refuses the second (a trigger, under a lock on PostgreSQL), whatever the timing.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from tests.e2e.conftest import live_server, pooled_client
from tests.helpers import PASSWORD, bearer, make_admin

ROUNDS = 20
#: What each admin does to the other, round after round.
CHANGES = [
    ({"role": "user"}, {"role": "user"}),
    ({"disabled": True}, {"disabled": True}),
    ({"role": "user"}, {"disabled": True}),
]
RESTORE = {"role": "admin", "disabled": False}


@pytest.fixture
async def http(app_with: Callable[..., Any]) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    async with (
        app_with(db_statement_timeout_seconds=5) as app,
        live_server(app) as base_url,
        pooled_client(base_url) as client,
    ):
        yield app, client


async def _token(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    response = await http.post("/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return bearer(response.json()["access_token"])


async def _enabled_admins(app: FastAPI) -> list[str]:
    async with app.state.engine.connect() as connection:
        query = text("SELECT username FROM users WHERE role = 'admin' AND NOT disabled")
        return sorted((await connection.scalars(query)).all())


async def test_two_admins_removing_each_other_leave_exactly_one(
    http: tuple[FastAPI, httpx.AsyncClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, client = http
    await make_admin(app.state.settings, monkeypatch, "root")
    await make_admin(app.state.settings, monkeypatch, "ada")
    ids = {
        name: (await client.get("/me", headers=await _token(client, name))).json()["id"]
        for name in ("root", "ada")
    }
    losers: Counter[str] = Counter()
    for round_ in range(ROUNDS):
        tokens = {name: await _token(client, name) for name in ("root", "ada")}
        root_change, ada_change = CHANGES[round_ % len(CHANGES)]
        root_answer, ada_answer = await asyncio.gather(
            client.patch(f"/admin/users/{ids['ada']}", json=root_change, headers=tokens["root"]),
            client.patch(f"/admin/users/{ids['root']}", json=ada_change, headers=tokens["ada"]),
        )
        answers = {"root": root_answer, "ada": ada_answer}
        winners = [name for name, answer in answers.items() if answer.status_code == 200]
        assert len(winners) == 1, f"round {round_}: {[a.text for a in answers.values()]}"
        (winner,) = winners
        loser = "ada" if winner == "root" else "root"
        refused = answers[loser]
        # Refused by the database or the service (409), or, when the winner's change came
        # first, because the loser's own token ended with it (401) or lost its role (403).
        code = refused.json()["code"]
        assert (refused.status_code, code) in {
            (409, "last_admin"),
            (401, "not_authenticated"),
            (403, "insufficient_scope"),
        }, refused.text
        losers[code] += 1
        assert await _enabled_admins(app) == [winner], round_

        restored = await client.patch(
            f"/admin/users/{ids[loser]}", json=RESTORE, headers=tokens[winner]
        )
        assert restored.status_code == 200, restored.text
    assert losers["last_admin"] > 0, losers
