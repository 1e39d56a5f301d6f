"""Fixtures of the catalog's HTTP tests: an admin made with the CLI, a regular user, and a small
factory that curates artists, albums and songs through the API, as an admin would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.helpers import assert_problem, bearer, created, login, make_admin, register


@pytest.fixture
async def admin_token(
    app: FastAPI, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A token of `root`, an admin made the way an operator makes one: with the CLI."""
    await make_admin(app.state.settings, monkeypatch)
    return await login(client, "root")


@pytest.fixture
def admin_headers(admin_token: str) -> dict[str, str]:
    return bearer(admin_token)


@pytest.fixture
async def user_headers(client: httpx.AsyncClient) -> dict[str, str]:
    """A regular user's bearer: every scope a user may have, and no catalog:write."""
    await register(client, "ada")
    return bearer(await login(client, "ada"))


@dataclass
class Curator:
    """Creates catalog rows through the API with an admin's token; returns the bodies."""

    client: httpx.AsyncClient
    headers: dict[str, str]

    async def artist(self, name: str = "The Velvet Harbors", **fields: Any) -> dict[str, Any]:
        return created(
            await self.client.post("/artists", json={"name": name, **fields}, headers=self.headers)
        )

    async def album(
        self, artist: dict[str, Any], title: str = "Lanterns", **fields: Any
    ) -> dict[str, Any]:
        body = {"title": title, "artist_id": artist["id"], **fields}
        return created(await self.client.post("/albums", json=body, headers=self.headers))

    async def song(
        self,
        album: dict[str, Any],
        title: str = "Paper Moons",
        *,
        artists: list[dict[str, Any]] | None = None,
        duration_ms: int = 200_000,
        **fields: Any,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "title": title,
            "album_id": album["id"],
            "duration_ms": duration_ms,
            **fields,
        }
        if artists is not None:
            body["artist_ids"] = [artist["id"] for artist in artists]
        return created(await self.client.post("/songs", json=body, headers=self.headers))


@pytest.fixture
def curator(client: httpx.AsyncClient, admin_headers: dict[str, str]) -> Curator:
    return Curator(client, admin_headers)


async def get_ok(client: httpx.AsyncClient, url: str, **kwargs: Any) -> Any:
    """GET `url` (no token) and its JSON body, which must be a 200."""
    response = await client.get(url, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


async def walk(client: httpx.AsyncClient, url: str) -> list[dict[str, Any]]:
    """Every page from `url` on, following `next`."""
    pages: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url is not None:
        pages.append(await get_ok(client, next_url))
        next_url = pages[-1]["next"]
        assert len(pages) < 50, "next never ends"
    return pages


SORTS = {
    "/songs": ("title", ["title", "-title", "created_at", "-created_at"]),
    "/albums": ("title", ["title", "-title", "created_at", "-created_at"]),
    "/artists": ("name", ["name", "-name", "created_at", "-created_at"]),
}


def stamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def expected_order(items: list[dict[str, Any]], sort: str, name: str) -> list[str]:
    """The ids of `items` in the order `sort` gives: its key, then the id to break ties."""
    field = sort.lstrip("-")
    by_key = sorted(
        items,
        key=lambda item: (
            stamp(item[field]) if field == "created_at" else item[name],
            item["id"],
        ),
        reverse=sort.startswith("-"),
    )
    return [item["id"] for item in by_key]


# Curation: a missing id, an image, and the artist and album most tests curate.

MISSING = "0b9f3c43-5c7e-4a4e-9d55-3f1b8e7d2a10"
IMAGE = "https://images.example.com/artists/velvet-harbors.jpg"


def without(body: dict[str, Any], *fields: str) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key not in fields}


def ref(artist: dict[str, Any]) -> dict[str, str]:
    return {"id": artist["id"], "name": artist["name"]}


async def gone(client: httpx.AsyncClient, url: str) -> None:
    assert_problem(await client.get(url), 404, "not_found")


@pytest.fixture
async def velvet(curator: Curator) -> dict[str, Any]:
    return await curator.artist("Velvet Harbors", genres=["indie rock"], image_url=IMAGE)


@pytest.fixture
async def lanterns(curator: Curator, velvet: dict[str, Any]) -> dict[str, Any]:
    return await curator.album(velvet, "Lanterns", release_date="2019-04-12")
