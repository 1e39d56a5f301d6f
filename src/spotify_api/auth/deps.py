"""Dependencies that give routers the caller's session, user and service, with scopes enforced."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.security import OAuth2PasswordBearer, SecurityScopes
from pydantic import ValidationError

from spotify_api.auth.errors import AccountGone
from spotify_api.auth.schemas import LoginForm, LoginRequest
from spotify_api.auth.scopes import ROLE_BEARING, ROLE_SCOPES, SCOPES
from spotify_api.auth.service import AuthService
from spotify_api.auth.sessions import AuthSession, SessionStore
from spotify_api.auth.stores import login_attempts, session_store
from spotify_api.core.db import DbSession
from spotify_api.core.errors import InsufficientScope, NotAuthenticated, UnsupportedMediaType
from spotify_api.core.reads import ReadDatabase
from spotify_api.users.models import User
from spotify_api.users.repository import standing


async def get_session_store(request: Request) -> SessionStore:
    return session_store(request.app.state)


async def get_auth_service(request: Request, db: DbSession) -> AuthService:
    state = request.app.state
    return AuthService(
        db, session_store(state), state.password_hasher, login_attempts(state), state.settings
    )


AuthServiceDep = Annotated[AuthService, Depends(get_auth_service)]


class SessionBearer(OAuth2PasswordBearer):
    """The bearer scheme, which also resolves the token into the caller's live session.

    One dependency where a scheme and a function using it would be two: a token-only request
    is the commonest there is, and FastAPI's cost is per dependency. The spec sees the same
    scheme, under the same name, with each operation's scopes.
    """

    async def __call__(  # type: ignore[override]
        self, request: Request, security_scopes: SecurityScopes
    ) -> AuthSession:
        """The caller's live session, carrying `security_scopes`.

        It needs no database session (a request that needs none opens none); a role-bearing
        scope's role is checked on the read pool (`core.reads`).
        """
        token = await super().__call__(request)
        if not token:
            raise NotAuthenticated()
        state = request.app.state
        session = await session_store(state).resolve(token)
        if session is None:
            raise NotAuthenticated("The token is unknown, expired or revoked.")
        missing = [scope for scope in security_scopes.scopes if scope not in session.scopes]
        if missing:
            raise InsufficientScope(missing)
        if ROLE_BEARING.intersection(security_scopes.scopes):
            await _check_role_now(state.reads, session, security_scopes.scopes)
        return session


#: `Security(get_auth_session, scopes=[...])`: the caller's session, with those scopes.
get_auth_session = SessionBearer(
    tokenUrl="login",
    scopes=SCOPES,
    auto_error=False,
    description="Log in at `/login` with a username (or email) and password.",
    scheme_name="OAuth2PasswordBearer",
)


async def _check_role_now(reads: ReadDatabase, session: AuthSession, needed: list[str]) -> None:
    """The role behind a role-bearing scope, as the database has it now.

    Ending sessions already takes these scopes from a demoted account; this holds even if
    ending them failed half-way (Redis down after the change was committed).
    """
    now = await standing(reads, session.user_id)
    role, disabled = now if now is not None else ("", True)
    if disabled:
        raise AccountGone()
    missing = [scope for scope in needed if scope not in ROLE_SCOPES[role]]
    if missing:
        raise InsufficientScope(missing)


CurrentSession = Annotated[AuthSession, Security(get_auth_session)]


async def get_current_user(session: CurrentSession, service: AuthServiceDep) -> User:
    user = await service.active_user(session.user_id)
    if user is None:
        raise AccountGone()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def _body_errors(error: ValidationError) -> RequestValidationError:
    issues = error.errors(include_url=False, include_context=False, include_input=False)
    for issue in issues:
        issue["loc"] = ("body", *issue["loc"])
    return RequestValidationError(issues)


async def login_credentials(request: Request) -> LoginRequest:
    """The login body, as JSON or as an OAuth2 password form."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if media_type == "application/json":
            return LoginRequest.model_validate_json(await request.body())
        if media_type == "application/x-www-form-urlencoded":
            form = LoginForm.model_validate(dict((await request.form()).multi_items()))
            return LoginRequest(username=form.username, password=form.password, scope=form.scope)
    except ValidationError as error:
        raise _body_errors(error) from error
    raise UnsupportedMediaType("Send JSON or an application/x-www-form-urlencoded OAuth2 form.")


LoginCredentials = Annotated[LoginRequest, Depends(login_credentials)]
