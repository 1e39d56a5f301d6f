"""HTTP for user administration: /admin/users."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Security

from spotify_api.auth.deps import get_auth_session, get_session_store
from spotify_api.auth.scopes import USERS_ADMIN
from spotify_api.auth.sessions import AuthSession, SessionStore
from spotify_api.core.db import DbSession
from spotify_api.core.paging import InvalidCursor, PageRequest, list_paging, page_request
from spotify_api.core.problems import problem_responses
from spotify_api.core.schemas import NoNul
from spotify_api.users.errors import CannotChangeSelf, LastAdmin, UserNotFound
from spotify_api.users.repository import USERS_BY_USERNAME
from spotify_api.users.schemas import AdminUser, UserPage, UserUpdate
from spotify_api.users.service import UserAdminService

router = APIRouter(tags=["Users"])

#: The caller: a session carrying `users:admin`, of an enabled account that is an admin now.
Admin = Annotated[AuthSession, Security(get_auth_session, scopes=[USERS_ADMIN])]


async def get_user_admin_service(
    request: Request,
    db: DbSession,
    sessions: Annotated[SessionStore, Depends(get_session_store)],
) -> UserAdminService:
    return UserAdminService(db, sessions, request.app.state.password_hasher)


UserAdminServiceDep = Annotated[UserAdminService, Depends(get_user_admin_service)]

SearchParam = Annotated[
    str | None,
    Query(
        max_length=100,
        description="Only users whose username or email contains this text, ignoring case.",
    ),
    NoNul,
]


@router.get(
    "/admin/users",
    operation_id="listUsers",
    summary="List users",
    description=(
        "Every account, ordered by username ignoring case, disabled ones included. "
        "Filter with `q`; page by following `next` and `previous`."
    ),
    response_model=UserPage,
    responses=problem_responses(InvalidCursor),
)
async def list_users(
    request: Request,
    _admin: Admin,
    service: UserAdminServiceDep,
    paging: Annotated[PageRequest, Depends(page_request)],
    q: SearchParam = None,
) -> UserPage:
    search = (q or "").strip() or None
    listing = list_paging(request, paging, USERS_BY_USERNAME, q=search)
    found = await service.list_users(search, listing.query())
    total = await service.count_users(search)
    keys = [(key, user.id) for user, key in found.rows]
    return UserPage(
        items=[AdminUser.model_validate(user) for user, _ in found.rows],
        **listing.fields(found, keys, total),
    )


@router.patch(
    "/admin/users/{user_id}",
    operation_id="updateUser",
    summary="Change a user's role or disable them",
    description=(
        "Send only what changes; `{}` changes nothing. Changing the role or disabling the "
        "account ends every session of the user at once: their next login carries the scopes "
        "of the new role, or is refused with 403 `account_disabled`. You cannot disable or "
        "demote yourself (409 `cannot_change_self`), and no change may leave the service "
        "without an enabled admin (409 `last_admin`), even when two admins demote or disable "
        "each other at the same moment: the database itself refuses it."
    ),
    response_model=AdminUser,
    responses=problem_responses(UserNotFound, CannotChangeSelf, LastAdmin),
)
async def update_user(
    user_id: uuid.UUID, body: UserUpdate, admin: Admin, service: UserAdminServiceDep
) -> AdminUser:
    return AdminUser.model_validate(await service.update_user(admin.user_id, user_id, body))
