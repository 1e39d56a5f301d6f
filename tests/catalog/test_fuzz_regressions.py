"""What the conformance fuzzing (tests/fuzz) found in the catalog, kept fixed.

On PostgreSQL, a NUL character in a search (`q`) or in a curated name was sent to the database,
which refuses it: a 500. Both are now a 422 that names the parameter or field.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.catalog.conftest import Curator
from tests.helpers import assert_problem

NUL = "\x00"


@pytest.mark.parametrize("path", ["/songs", "/albums", "/artists"])
async def test_nul_in_a_search_is_a_422(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, params={"q": f"moon{NUL}"})
    problem = assert_problem(response, 422, "validation_error")
    assert [(e["loc"], e["type"]) for e in problem["errors"]] == [(["query", "q"], "nul_character")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": f"The Velvet{NUL}Harbors"}, "name"),
        ({"name": "The Velvet Harbors", "genres": ["indie", f"dream{NUL}pop"]}, "genres"),
    ],
)
async def test_nul_in_a_new_artist_is_a_422(
    client: httpx.AsyncClient, admin_headers: dict[str, str], body: dict[str, Any], field: str
) -> None:
    response = await client.post("/artists", json=body, headers=admin_headers)
    problem = assert_problem(response, 422, "validation_error")
    assert [(e["loc"], e["type"]) for e in problem["errors"]] == [
        (["body", field], "nul_character")
    ]
    assert (await client.get("/artists")).json()["total"] == 0


async def test_nul_in_a_changed_title_is_a_422_and_changes_nothing(
    client: httpx.AsyncClient, admin_headers: dict[str, str], curator: Curator
) -> None:
    album = await curator.album(await curator.artist())
    song = await curator.song(album, "Paper Moons")
    for path, body in (
        (f"/albums/{album['id']}", {"title": f"Lan{NUL}terns"}),
        (f"/songs/{song['id']}", {"title": f"{NUL}"}),
    ):
        response = await client.patch(path, json=body, headers=admin_headers)
        problem = assert_problem(response, 422, "validation_error")
        assert problem["errors"][0]["loc"] == ["body", "title"]
    assert (await client.get(f"/songs/{song['id']}")).json()["title"] == "Paper Moons"
