"""User administration: listing users and changing their role or disabled flag (`users:admin`)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.helpers import PASSWORD, assert_problem, bearer, login, register
from tests.users.conftest import USERS


async def me(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get("/me", headers=bearer(token))


async def patch(
    client: httpx.AsyncClient, token: str, user_id: str, body: dict[str, Any]
) -> httpx.Response:
    return await client.patch(f"{USERS}/{user_id}", json=body, headers=bearer(token))


async def walk(client: httpx.AsyncClient, token: str, url: str) -> list[dict[str, Any]]:
    """Every page from `url` on, following `next`."""
    pages = []
    next_url: str | None = url
    while next_url is not None:
        response = await client.get(next_url, headers=bearer(token))
        assert response.status_code == 200, response.text
        pages.append(response.json())
        next_url = pages[-1]["next"]
        assert len(pages) < 20, "next never ends"
    return pages


class TestWhoMayAdminister:
    async def test_a_regular_user_is_403_on_both_operations(
        self, client: httpx.AsyncClient
    ) -> None:
        ada = await register(client, "ada")
        token = await login(client, "ada")
        problem = assert_problem(
            await client.get(USERS, headers=bearer(token)), 403, "insufficient_scope"
        )
        assert "users:admin" in problem["detail"]
        response = await patch(client, token, ada["id"], {"role": "admin"})
        assert_problem(response, 403, "insufficient_scope")
        assert (await me(client, token)).json()["role"] == "user"

    async def test_without_a_token_it_is_401(self, client: httpx.AsyncClient) -> None:
        response = await client.get(USERS)
        assert_problem(response, 401, "not_authenticated")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        response = await client.patch(f"{USERS}/{uuid.uuid4()}", json={"disabled": True})
        assert_problem(response, 401, "not_authenticated")

    async def test_an_admin_token_narrowed_at_login_is_403(
        self, client: httpx.AsyncClient, admin: str
    ) -> None:
        ada = await register(client, "ada")
        narrow = await login(client, "root", scope="playlists:read")
        assert_problem(await client.get(USERS, headers=bearer(narrow)), 403, "insufficient_scope")
        response = await patch(client, narrow, ada["id"], {"disabled": True})
        assert_problem(response, 403, "insufficient_scope")


class TestListUsers:
    async def test_an_admin_sees_every_user_with_admin_fields_and_no_hash(
        self, client: httpx.AsyncClient, admin: str
    ) -> None:
        await register(client, "ada")
        response = await client.get(USERS, headers=bearer(admin))
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == 2
        assert page["limit"] == 20
        assert page["offset"] == 0
        assert page["next"] is None
        assert page["previous"] is None
        assert [user["username"] for user in page["items"]] == ["ada", "root"]
        ada = page["items"][0]
        assert set(ada) == {
            "id",
            "username",
            "email",
            "role",
            "disabled",
            "created_at",
            "updated_at",
        }
        assert ada["role"] == "user"
        assert ada["disabled"] is False
        assert "hash" not in response.text
        assert "argon2" not in response.text

    async def test_paging_by_next_visits_every_user_once_and_previous_goes_back(
        self, client: httpx.AsyncClient, admin: str
    ) -> None:
        for name in ("Dora", "bob", "carl", "ada"):
            await register(client, name)
        pages = await walk(client, admin, f"{USERS}?limit=2")

        assert [len(page["items"]) for page in pages] == [2, 2, 1]
        assert all(page["total"] == 5 for page in pages)
        assert [page["offset"] for page in pages] == [0, 2, 4]
        names = [user["username"] for page in pages for user in page["items"]]
        assert names == ["ada", "bob", "carl", "Dora", "root"]  # by username, ignoring case
        ids = [user["id"] for page in pages for user in page["items"]]
        assert len(set(ids)) == 5
        assert pages[0]["previous"] is None
        assert pages[-1]["next"] is None
        for page in pages[1:]:
            assert page["next"] is None or page["next"].startswith(f"{USERS}?")
            assert "cursor=" in (page["next"] or "cursor=")

        # `previous` from the last page gives the middle page back, and then the first.
        back = await client.get(pages[-1]["previous"], headers=bearer(admin))
        assert back.status_code == 200, back.text
        assert back.json()["items"] == pages[1]["items"]
        assert back.json()["offset"] == 2
        first = await client.get(back.json()["previous"], headers=bearer(admin))
        assert first.json()["items"] == pages[0]["items"]
        assert first.json()["offset"] == 0
        assert first.json()["previous"] is None

    async def test_offset_paging_gives_the_same_pages(
        self, client: httpx.AsyncClient, admin: str
    ) -> None:
        for name in ("bob", "carl", "ada"):
            await register(client, name)
        response = await client.get(f"{USERS}?limit=2&offset=2", headers=bearer(admin))
        page = response.json()
        assert [user["username"] for user in page["items"]] == ["carl", "root"]
        assert page["offset"] == 2
        assert page["next"] is None
        previous = await client.get(page["previous"], headers=bearer(admin))
        assert [user["username"] for user in previous.json()["items"]] == ["ada", "bob"]

    async def test_q_matches_part_of_the_username_or_email_in_any_case(
        self, client: httpx.AsyncClient, admin: str
    ) -> None:
        await register(client, "ada", "ada@lovelace.example")
        await register(client, "grace", "grace@navy.example")
        await register(client, "alan", "turing@bletchley.example")

        async def found(q: str) -> list[str]:
            response = await client.get(USERS, params={"q": q}, headers=bearer(admin))
            assert response.status_code == 200, response.text
            page = response.json()
            assert page["total"] == len(page["items"])
            return [user["username"] for user in page["items"]]

        assert await found("LoveLace") == ["ada"]
        assert await found("TURING") == ["alan"]  # the email only
        assert await found("A") == ["ada", "alan", "grace", "root"]  # root@ex*a*mple.com
        assert await found("%") == []  # wildcards are literal
        assert await found("_") == []
        assert await found("nobody") == []

    async def test_q_follows_the_next_links(self, client: httpx.AsyncClient, admin: str) -> None:
        for index in range(5):
            await register(client, f"fan{index}", f"fan{index}@band.example")
        pages = await walk(client, admin, f"{USERS}?limit=2&q=BAND")
        names = [user["username"] for page in pages for user in page["items"]]
        assert names == [f"fan{index}" for index in range(5)]
        assert all("q=BAND" in page["next"] for page in pages[:-1])

    async def test_a_tampered_or_foreign_cursor_is_400(
        self, client: httpx.AsyncClient, admin: str
    ) -> None:
        for name in ("ada", "bob", "carl"):
            await register(client, name)
        first = (await client.get(f"{USERS}?limit=2", headers=bearer(admin))).json()
        cursor = httpx.URL(first["next"]).params["cursor"]
        head, payload, signature = cursor.split(".")
        tampered = f"{head}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
        for params in (
            {"cursor": tampered},
            {"cursor": "not-a-cursor"},
            {"cursor": cursor, "q": "ada"},  # a cursor of another list
        ):
            response = await client.get(USERS, params=params, headers=bearer(admin))
            assert_problem(response, 400, "invalid_cursor")

    @pytest.mark.parametrize(
        "query", ["q=" + "x" * 101, "limit=0", "limit=101", "offset=-1"], ids=str
    )
    async def test_bad_parameters_are_422(
        self, client: httpx.AsyncClient, admin: str, query: str
    ) -> None:
        response = await client.get(f"{USERS}?{query}", headers=bearer(admin))
        assert_problem(response, 422, "validation_error")


class TestUpdateUser:
    async def test_promoting_a_user_ends_their_sessions_and_a_new_login_is_an_admin(
        self, client: httpx.AsyncClient, admin: str
    ) -> None:
        ada = await register(client, "ada")
        old = await login(client, "ada")
        response = await patch(client, admin, ada["id"], {"role": "admin"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["role"] == "admin"
        assert body["id"] == ada["id"]
        assert body["disabled"] is False
        assert body["updated_at"] >= ada["created_at"]

        assert_problem(await me(client, old), 401, "not_authenticated")
        fresh = await client.post("/login", json={"username": "ada", "password": PASSWORD})
        assert "catalog:write" in fresh.json()["scope"].split()
        assert "users:admin" in fresh.json()["scope"].split()

    async def test_demoting_an_admin_takes_the_admin_scopes_away(
        self, client: httpx.AsyncClient, admin: str
    ) -> None:
        ada = await register(client, "ada")
        await patch(client, admin, ada["id"], {"role": "admin"})
        ada_admin = await login(client, "ada")
        assert (await client.get(USERS, headers=bearer(ada_admin))).status_code == 200

        response = await patch(client, admin, ada["id"], {"role": "user"})
        assert response.json()["role"] == "user"
        assert_problem(await client.get(USERS, headers=bearer(ada_admin)), 401, "not_authenticated")
        again = await login(client, "ada")
        assert_problem(await client.get(USERS, headers=bearer(again)), 403, "insufficient_scope")

    async def test_disabling_ends_every_session_and_refuses_login_until_re_enabled(
        self, client: httpx.AsyncClient, admin: str
    ) -> None:
        ada = await register(client, "ada")
        tokens = [await login(client, "ada"), await login(client, "ada")]
        response = await patch(client, admin, ada["id"], {"disabled": True})
        assert response.status_code == 200, response.text
        assert response.json()["disabled"] is True
        assert response.json()["role"] == "user"

        for token in tokens:
            assert_problem(await me(client, token), 401, "not_authenticated")
            response = await client.post("/logout", headers=bearer(token))
            assert_problem(response, 401, "not_authenticated")
        response = await client.post("/login", json={"username": "ada", "password": PASSWORD})
        assert_problem(response, 403, "account_disabled")
        listed = (await client.get(USERS, params={"q": "ada"}, headers=bearer(admin))).json()
        assert listed["items"][0]["disabled"] is True

        response = await patch(client, admin, ada["id"], {"disabled": False})
        assert response.json()["disabled"] is False
        assert (await me(client, await login(client, "ada"))).status_code == 200

    async def test_an_empty_body_changes_nothing_and_keeps_sessions(
        self, client: httpx.AsyncClient, admin: str
    ) -> None:
        ada = await register(client, "ada")
        token = await login(client, "ada")
        before = (await client.get(USERS, params={"q": "ada"}, headers=bearer(admin))).json()
        response = await patch(client, admin, ada["id"], {})
        assert response.status_code == 200, response.text
        assert response.json() == before["items"][0]
        same_role = await patch(client, admin, ada["id"], {"role": "user", "disabled": False})
        assert same_role.json() == before["items"][0]
        assert (await me(client, token)).status_code == 200

    async def test_an_unknown_id_is_404_and_a_malformed_one_422(
        self, client: httpx.AsyncClient, admin: str
    ) -> None:
        response = await patch(client, admin, str(uuid.uuid4()), {"disabled": True})
        assert_problem(response, 404, "not_found")
        response = await patch(client, admin, "not-a-uuid", {"disabled": True})
        problem = assert_problem(response, 422, "validation_error")
        assert problem["errors"][0]["loc"] == ["path", "user_id"]

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"role": "owner"}, "role"),
            ({"role": None}, "role"),
            ({"disabled": "maybe"}, "disabled"),
            ({"disabled": None}, "disabled"),
            ({"password_hash": "x"}, "password_hash"),
            ({"username": "eve"}, "username"),
        ],
        ids=str,
    )
    async def test_a_bad_body_is_422_naming_the_field(
        self, client: httpx.AsyncClient, admin: str, body: dict[str, Any], field: str
    ) -> None:
        ada = await register(client, "ada")
        problem = assert_problem(
            await patch(client, admin, ada["id"], body), 422, "validation_error"
        )
        assert [issue["loc"] for issue in problem["errors"]] == [["body", field]]
        listed = (await client.get(USERS, params={"q": "ada"}, headers=bearer(admin))).json()
        assert listed["items"][0]["role"] == "user"
        assert listed["items"][0]["disabled"] is False

    async def test_an_admin_cannot_demote_or_disable_themselves(
        self, client: httpx.AsyncClient, admin: str
    ) -> None:
        root_id = (await me(client, admin)).json()["id"]
        for body in ({"role": "user"}, {"disabled": True}, {"role": "admin", "disabled": True}):
            response = await patch(client, admin, root_id, body)
            assert_problem(response, 409, "cannot_change_self")
        # What changes nothing is allowed, and the admin's session survives.
        response = await patch(client, admin, root_id, {"role": "admin", "disabled": False})
        assert response.status_code == 200, response.text
        assert response.json()["role"] == "admin"
        assert (await client.get(USERS, headers=bearer(admin))).status_code == 200

    async def test_a_disabled_admin_cannot_administer(
        self, client: httpx.AsyncClient, admin: str
    ) -> None:
        ada = await register(client, "ada")
        await patch(client, admin, ada["id"], {"role": "admin"})
        ada_token = await login(client, "ada")
        await patch(client, admin, ada["id"], {"disabled": True})
        assert_problem(await client.get(USERS, headers=bearer(ada_token)), 401, "not_authenticated")
