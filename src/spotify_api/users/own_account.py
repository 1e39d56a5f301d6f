"""The account as its owner sees it (`GET /me`): read and rendered without the ORM.

Token-only reads are the hottest path there is, so this one skips what it does not need: no
request session (the read pool of `core.reads`: asyncpg directly on PostgreSQL), no ORM object,
no password hash, no Pydantic model. One Core statement, built once, and the row rendered by
`core.json` into the bytes `users.schemas.User(...).model_dump_json()` gives (a test compares).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy import bindparam, select
from starlette.datastructures import State
from starlette.responses import Response

from spotify_api.core import json
from spotify_api.core.reads import ReadDatabase
from spotify_api.users.models import User

_USERS = User.__table__
# In the order of `users.schemas.User`'s fields.
_OWN_ACCOUNT = select(
    _USERS.c.id, _USERS.c.username, _USERS.c.email, _USERS.c.role, _USERS.c.created_at
).where(_USERS.c.id == bindparam("user_id"), ~_USERS.c.disabled)


async def own_account_json(reads: ReadDatabase, user_id: uuid.UUID) -> bytes | None:
    """The JSON of `users.schemas.User` for this account; None if it is gone or disabled."""
    rows = await reads.fetch(_OWN_ACCOUNT, {"user_id": user_id})
    if not rows:
        return None
    account_id, username, email, role, created_at = rows[0]
    return json.dumps(
        {
            "id": account_id,
            "username": username,
            "email": email,
            "role": role,
            "created_at": created_at,
        }
    )


async def own_account_response(reads: ReadDatabase, user_id: uuid.UUID) -> Response | None:
    """The answer of `GET /me`; None if the account is gone or disabled."""
    body = await own_account_json(reads, user_id)
    return None if body is None else Response(body, media_type="application/json")


async def render_own_account(
    state: State, user_id: uuid.UUID, _params: Mapping[str, str]
) -> Response | None:
    """`GET /me` before routing (`auth.token_fast_path`)."""
    return await own_account_response(state.reads, user_id)
