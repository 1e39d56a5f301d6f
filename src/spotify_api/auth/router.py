"""HTTP for accounts and sessions: /register, /login, /logout, /me, /me/password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response, Security, status

from spotify_api.auth.deps import (
    AuthServiceDep,
    CurrentSession,
    LoginCredentials,
    get_auth_session,
)
from spotify_api.auth.deps import get_current_user as current_user
from spotify_api.auth.errors import (
    AccountDisabled,
    AccountGone,
    EmailTaken,
    InvalidCredentials,
    InvalidScope,
    UsernameTaken,
    WrongPassword,
)
from spotify_api.auth.schemas import PasswordChange, RegisterRequest, Token
from spotify_api.auth.scopes import ACCOUNT_WRITE
from spotify_api.auth.sessions import AuthSession
from spotify_api.core.errors import MalformedJson, RateLimited, UnsupportedMediaType
from spotify_api.core.problems import problem_responses
from spotify_api.users.models import User as UserRow
from spotify_api.users.own_account import own_account_response
from spotify_api.users.schemas import User

router = APIRouter(tags=["Accounts"])

#: The caller's session and account, for changing the account (`account:write`).
AccountSession = Annotated[AuthSession, Security(get_auth_session, scopes=[ACCOUNT_WRITE])]
AccountUser = Annotated[UserRow, Security(current_user, scopes=[ACCOUNT_WRITE])]

LOGIN_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/LoginRequest"}},
        "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/LoginForm"}},
    },
}


@router.post(
    "/register",
    operation_id="registerUser",
    summary="Create an account",
    description="New accounts get the role `user`. Usernames and emails are unique ignoring case.",
    status_code=status.HTTP_201_CREATED,
    response_model=User,
    responses=problem_responses(UsernameTaken, EmailTaken),
)
async def register_user(body: RegisterRequest, response: Response, service: AuthServiceDep) -> User:
    response.headers["Cache-Control"] = "private, no-store"  # the new account's own details
    return User.model_validate(await service.register(body))


@router.post(
    "/login",
    operation_id="login",
    summary="Log in and get a bearer token",
    description=(
        "Send JSON or the OAuth2 password form. `username` may also be the email. A wrong "
        "username and a wrong password give the same answer. Attempts are counted before the "
        "password is checked: too many failures for one account (its username and email "
        "together) or from one client, or too many logins from one client, are refused for a "
        "while (429, `Retry-After`)."
    ),
    response_model=Token,
    responses=problem_responses(
        InvalidCredentials,
        InvalidScope,
        AccountDisabled,
        MalformedJson,
        UnsupportedMediaType,
        RateLimited,
    ),
    openapi_extra={"requestBody": LOGIN_BODY},
)
async def login(
    credentials: LoginCredentials, request: Request, response: Response, service: AuthServiceDep
) -> Token:
    client = request.client.host if request.client else "unknown"
    issued = await service.login(
        credentials.username, credentials.password, credentials.scope, client
    )
    response.headers["Cache-Control"] = "no-store"
    return Token(
        access_token=issued.token,
        expires_in=issued.expires_in,
        scope=" ".join(sorted(issued.session.scopes)),
    )


@router.post(
    "/logout",
    operation_id="logout",
    summary="End this session",
    description="The token stops working at once, in every process.",
    status_code=status.HTTP_204_NO_CONTENT,
)
async def logout(session: CurrentSession, service: AuthServiceDep) -> None:
    await service.logout(session)


@router.get(
    "/me",
    operation_id="getCurrentUser",
    summary="The account behind the token",
    description="Your own account: id, username, email, role and when it was created.",
    response_model=User,
)
async def get_current_user(session: CurrentSession, request: Request) -> Response:
    response = await own_account_response(request.app.state.reads, session.user_id)
    if response is None:
        raise AccountGone()
    return response


@router.post(
    "/me/password",
    operation_id="changePassword",
    summary="Change your password",
    description=(
        "Needs `account:write`, which every role has but a token narrowed to other scopes "
        "at login lacks (403 `insufficient_scope`). Every other session of the account ends "
        "at once, logins in flight included; the one making this call stays. A wrong current "
        "password is 403 `wrong_password` (the token itself is fine)."
    ),
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(WrongPassword, RateLimited),
)
async def change_password(
    body: PasswordChange, session: AccountSession, user: AccountUser, service: AuthServiceDep
) -> None:
    await service.change_password(session, user, body.current_password, body.new_password)
