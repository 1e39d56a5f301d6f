"""A change holds its playlist's lock for as few statements as it can: after the statement that
locks the row, one more on PostgreSQL (the items and the playlist row changed together), two on
SQLite (which has no DML in CTEs), then the commit. Writers of one playlist queue on that lock,
so its span is what limits how many changes a playlist takes per second."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.backends import counting
from tests.playlists.conftest import PlaylistFactory, bulk_fill, ids


def _after_lock(statements: list[str]) -> list[str]:
    locks = [
        n
        for n, statement in enumerate(statements)
        if "FOR UPDATE" in statement
        or statement.startswith("UPDATE playlists SET snapshot_id=playlists.snapshot_id")
    ]
    assert len(locks) == 1, statements
    return statements[locks[0] + 1 :]


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("add-song", {"position": None}),
        ("add-song", {"position": 0}),
        ("add-song", {"position": 7}),
        ("add-song", {"position": 12}),
        ("remove-song", {}),
        ("remove-song", {"position": 3}),
        ("reorder", {"range_start": 2, "insert_before": 9, "range_length": 3}),
        ("reorder", {"range_start": 9, "insert_before": 0}),
        ("reorder", {"range_start": 0, "insert_before": 15}),
    ],
)
async def test_a_change_holds_the_lock_for_one_statement_on_postgres_two_on_sqlite(
    app: FastAPI,
    client: httpx.AsyncClient,
    make_playlist: PlaylistFactory,
    user_headers: dict[str, str],
    songs: list[dict[str, Any]],
    endpoint: str,
    body: dict[str, Any],
) -> None:
    playlist = await make_playlist()
    await bulk_fill(app, playlist["id"], ids(songs), 15)
    if endpoint != "reorder":
        body = {"song_id": songs[3]["id"], **body}
        if body.get("position") is None:
            body.pop("position", None)
    url = f"/playlists/{playlist['id']}/{endpoint}"
    with counting(app) as statements:
        response = await client.post(url, json=body, headers=user_headers)
    assert response.status_code in (200, 201), response.text
    expected = 1 if app.state.engine.dialect.name == "postgresql" else 2
    assert len(_after_lock(statements)) == expected, statements


async def test_renaming_reads_the_answer_in_the_same_locked_transaction(
    app: FastAPI, client: httpx.AsyncClient, make_playlist: PlaylistFactory, user_headers: Any
) -> None:
    playlist = await make_playlist()
    with counting(app) as statements:
        response = await client.patch(
            f"/playlists/{playlist['id']}", json={"name": "New"}, headers=user_headers
        )
    assert response.status_code == 200, response.text
    assert len(_after_lock(statements)) == 2, statements  # the change, then the answer
