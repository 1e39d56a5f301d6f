"""Accounts and sessions: registering, logging in and out, changing one's password."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from spotify_api.auth.errors import (
    AccountDisabled,
    EmailTaken,
    InvalidCredentials,
    InvalidScope,
    UsernameTaken,
    WrongPassword,
)
from spotify_api.auth.schemas import RegisterRequest
from spotify_api.auth.scopes import ROLE_SCOPES
from spotify_api.auth.sessions import AuthSession, IssuedToken, SessionStore
from spotify_api.core.errors import RateLimited
from spotify_api.core.rate_limit import FailureCounter
from spotify_api.core.security import PasswordHasher
from spotify_api.settings import Settings
from spotify_api.users.models import Role, User
from spotify_api.users.repository import UserRepository


class AuthService:
    def __init__(
        self,
        db: AsyncSession,
        sessions: SessionStore,
        hasher: PasswordHasher,
        failures: FailureCounter,
        settings: Settings,
    ) -> None:
        self.db = db
        self.users = UserRepository(db)
        self.sessions = sessions
        self.hasher = hasher
        self.failures = failures
        self.settings = settings

    async def register(self, request: RegisterRequest) -> User:
        await self._ensure_free(request.username, request.email)
        user = User(
            username=request.username,
            email=request.email,
            password_hash=await self.hasher.hash(request.password),
            role=Role.USER,
        )
        try:
            await self.users.add(user)
            await self.db.commit()
        except IntegrityError:
            # Another request took the name between our check and our insert.
            await self.db.rollback()
            await self._ensure_free(request.username, request.email)
            raise
        return user

    async def _ensure_free(self, username: str, email: str) -> None:
        if await self.users.username_taken(username):
            raise UsernameTaken()
        if await self.users.email_taken(email):
            raise EmailTaken()

    async def login(self, login: str, password: str, scope: str | None, client: str) -> IssuedToken:
        limits = {
            f"account:{login.lower()}": self.settings.login_max_failures_per_account,
            f"client:{client}": self.settings.login_max_failures_per_client,
        }
        retry_after = await self.failures.blocked_for(limits)
        if retry_after is not None:
            raise RateLimited(retry_after, "Too many failed logins; try again later.")

        user = await self.users.find_by_login(login)
        ok, new_hash = await self.hasher.verify(password, user.password_hash if user else None)
        if user is None or not ok:
            await self.failures.record_failure(*limits)
            raise InvalidCredentials()
        if user.disabled:
            raise AccountDisabled()
        scopes = self._granted_scopes(user, scope)
        await self.failures.reset(f"account:{login.lower()}")
        if new_hash is not None:
            user.password_hash = new_hash
            await self.db.commit()
        return await self.sessions.create(user.id, scopes)

    @staticmethod
    def _granted_scopes(user: User, requested: str | None) -> frozenset[str]:
        allowed = frozenset(ROLE_SCOPES[user.role])
        wanted = frozenset((requested or "").split())
        if not wanted:
            return allowed
        if not wanted <= allowed:
            unknown = " ".join(sorted(wanted - allowed))
            raise InvalidScope(f"Not allowed for this account: {unknown}.")
        return wanted

    async def logout(self, session: AuthSession) -> None:
        await self.sessions.revoke(session)

    async def active_user(self, user_id: uuid.UUID) -> User | None:
        user = await self.users.get(user_id)
        return None if user is None or user.disabled else user

    async def change_password(
        self, session: AuthSession, user: User, current: str, new: str
    ) -> None:
        """Set a new password and end every other session of the user; this one stays."""
        limit = {f"password:{user.id}": self.settings.login_max_failures_per_account}
        retry_after = await self.failures.blocked_for(limit)
        if retry_after is not None:
            raise RateLimited(retry_after, "Too many wrong passwords; try again later.")
        ok, _ = await self.hasher.verify(current, user.password_hash)
        if not ok:
            await self.failures.record_failure(*limit)
            raise WrongPassword()
        user.password_hash = await self.hasher.hash(new)
        await self.db.commit()
        await self.failures.reset(*limit)
        await self.sessions.revoke_all(user.id, keep=session)
