"""What the conformance fuzzing (tests/fuzz) found in user administration, kept fixed: on
PostgreSQL, a NUL character in `q` reached the database, which refuses it (a 500); now a 422."""

from __future__ import annotations

import httpx

from tests.helpers import assert_problem, bearer
from tests.users.conftest import USERS


async def test_nul_in_a_user_search_is_a_422(client: httpx.AsyncClient, admin: str) -> None:
    response = await client.get(USERS, params={"q": "ada\x00"}, headers=bearer(admin))
    problem = assert_problem(response, 422, "validation_error")
    assert [(e["loc"], e["type"]) for e in problem["errors"]] == [(["query", "q"], "nul_character")]
