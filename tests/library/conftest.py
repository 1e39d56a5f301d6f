"""Fixtures of the library's tests: two users, an admin, and a small catalog curated through
the API; helpers that change and read a library as a client does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.helpers import Account, account, bearer, created, login, make_admin


@pytest.fixture
async def user(client: httpx.AsyncClient) -> Account:
    return await account(client, "ada")


@pytest.fixture
async def other(client: httpx.AsyncClient) -> Account:
    return await account(client, "bob")


@pytest.fixture
async def admin(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    await make_admin(app.state.settings, monkeypatch)
    return bearer(await login(client, "root"))


@dataclass(frozen=True)
class Catalog:
    """Two artists; `albums[0]` (artists[0]) holds songs[0:4], `albums[1]` (artists[1]) the rest."""

    artists: list[dict[str, Any]]
    albums: list[dict[str, Any]]
    songs: list[dict[str, Any]]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return {"songs": self.songs, "albums": self.albums, "artists": self.artists}[kind]


@pytest.fixture
async def catalog(client: httpx.AsyncClient, admin: dict[str, str]) -> Catalog:
    async def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        return created(await client.post(path, json=body, headers=admin))

    artists = [await post("/artists", {"name": name}) for name in ("Velvet Harbors", "Low Tide")]
    albums = [
        await post("/albums", {"title": title, "artist_id": artist["id"]})
        for title, artist in (("Lanterns", artists[0]), ("Tidewater", artists[1]))
    ]
    songs = [
        await post(
            "/songs",
            {
                "title": f"Song {index}",
                "album_id": albums[0 if index < 4 else 1]["id"],
                "duration_ms": 180_000 + index,
            },
        )
        for index in range(6)
    ]
    return Catalog(artists, albums, songs)


def joined(items: Sequence[dict[str, Any] | str]) -> str:
    return ",".join(item if isinstance(item, str) else item["id"] for item in items)


async def save(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    kind: str,
    items: Sequence[dict[str, Any] | str],
) -> httpx.Response:
    return await client.put(f"/me/{kind}", params={"ids": joined(items)}, headers=headers)


async def saved(
    client: httpx.AsyncClient, headers: dict[str, str], kind: str, items: Sequence[Any]
) -> None:
    response = await save(client, headers, kind, items)
    assert response.status_code == 204, response.text
    assert response.content == b""


async def remove(
    client: httpx.AsyncClient, headers: dict[str, str], kind: str, items: Sequence[Any]
) -> httpx.Response:
    return await client.delete(f"/me/{kind}", params={"ids": joined(items)}, headers=headers)


async def contains(
    client: httpx.AsyncClient, headers: dict[str, str], kind: str, items: Sequence[Any]
) -> list[bool]:
    response = await client.get(
        f"/me/{kind}/contains", params={"ids": joined(items)}, headers=headers
    )
    assert response.status_code == 200, response.text
    answer: list[bool] = response.json()
    return answer


async def page(client: httpx.AsyncClient, headers: dict[str, str], url: str) -> dict[str, Any]:
    response = await client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-cache"
    body: dict[str, Any] = response.json()
    return body


ITEM = {"songs": "song", "albums": "album", "artists": "artist"}


async def library(
    client: httpx.AsyncClient, headers: dict[str, str], kind: str, limit: int = 100
) -> list[dict[str, Any]]:
    """Every item of the library of this kind, following `next`; the totals agree."""
    found: list[dict[str, Any]] = []
    url: str | None = f"/me/{kind}?limit={limit}"
    totals = set()
    while url is not None:
        body = await page(client, headers, url)
        found.extend(body["items"])
        totals.add(body["total"])
        url = body["next"]
    assert totals <= {len(found)}, (totals, len(found))
    return found


async def library_ids(client: httpx.AsyncClient, headers: dict[str, str], kind: str) -> list[str]:
    return [item[ITEM[kind]]["id"] for item in await library(client, headers, kind)]
