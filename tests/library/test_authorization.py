"""Who may use the library: a token with `library:read` reads, `library:write` changes; no token
is 401; a token narrowed at login to other scopes is 403 `insufficient_scope`, and changes
nothing. Every user and every admin holds both scopes."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import assert_problem, bearer, login
from tests.library.conftest import Account, Catalog, joined, library_ids, saved

READ, WRITE = "library:read", "library:write"
KINDS = ("songs", "albums", "artists")


def _operations(kind: str, ids: str) -> list[tuple[str, str, str]]:
    """(method, url, the scope it needs) of every operation on this kind."""
    return [
        ("PUT", f"/me/{kind}?ids={ids}", WRITE),
        ("DELETE", f"/me/{kind}?ids={ids}", WRITE),
        ("GET", f"/me/{kind}", READ),
        ("GET", f"/me/{kind}/contains?ids={ids}", READ),
    ]


@pytest.mark.parametrize("kind", KINDS)
async def test_no_token_is_401(client: httpx.AsyncClient, catalog: Catalog, kind: str) -> None:
    for method, url, _ in _operations(kind, joined(catalog.of(kind)[:1])):
        response = await client.request(method, url)
        assert_problem(response, 401, "not_authenticated")


@pytest.mark.parametrize("kind", KINDS)
async def test_a_token_without_the_scope_is_403_and_changes_nothing(
    client: httpx.AsyncClient, user: Account, catalog: Catalog, kind: str
) -> None:
    first, second = catalog.of(kind)[:2]
    await saved(client, user.headers, kind, [first])
    narrowed = {
        READ: bearer(await login(client, user.username, scope="playlists:read playlists:write")),
        WRITE: bearer(await login(client, user.username, scope="playlists:read library:read")),
    }
    for method, url, scope in _operations(kind, joined([first, second])):
        other_scope = narrowed[scope]
        response = await client.request(method, url, headers=other_scope)
        assert_problem(response, 403, "insufficient_scope")
    assert await library_ids(client, user.headers, kind) == [first["id"]]
    # A token with just the scope works.
    only_write = bearer(await login(client, user.username, scope=WRITE))
    response = await client.put(f"/me/{kind}?ids={second['id']}", headers=only_write)
    assert response.status_code == 204, response.text
    only_read = bearer(await login(client, user.username, scope=READ))
    assert len(await library_ids(client, only_read, kind)) == 2


async def test_admins_have_a_library_too(
    client: httpx.AsyncClient, admin: dict[str, str], catalog: Catalog
) -> None:
    await saved(client, admin, "songs", catalog.songs[:2])
    assert len(await library_ids(client, admin, "songs")) == 2


async def test_every_role_is_given_both_scopes(client: httpx.AsyncClient, user: Account) -> None:
    response = await client.post(
        "/login", json={"username": user.username, "password": "correct-horse-battery"}
    )
    granted = set(response.json()["scope"].split())
    assert {READ, WRITE} <= granted
