"""Accounts and sessions: registering, logging in and out, changing one's password."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass

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
from spotify_api.core.errors import RateLimited, ServiceUnavailable
from spotify_api.core.rate_limit import AttemptCounter
from spotify_api.core.security import PasswordHasher
from spotify_api.settings import Settings
from spotify_api.users.integrity import Broken, broken_rule
from spotify_api.users.models import Role, User
from spotify_api.users.repository import UserRepository

#: How many times a login reads the account again when it changed during the login.
_REREADS = 2
#: The id no account has, that a login of an unknown name looks up.
_NOBODY = uuid.UUID(int=0)


@dataclass(frozen=True, slots=True)
class LoginBuckets:
    """A login's attempt buckets (name -> limit): those a failure uses, those a success uses."""

    failures: dict[str, int]
    successes: dict[str, int]


class AuthService:
    def __init__(
        self,
        db: AsyncSession,
        sessions: SessionStore,
        hasher: PasswordHasher,
        attempts: AttemptCounter,
        settings: Settings,
    ) -> None:
        self.db = db
        self.users = UserRepository(db)
        self.sessions = sessions
        self.hasher = hasher
        self.attempts = attempts
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
        except IntegrityError as error:
            # Another request took a name between our check and our insert: the unique index
            # says which (PostgreSQL), or we look again (SQLite names no index).
            await self.db.rollback()
            broken = broken_rule(error)
            if broken is Broken.USERNAME:
                raise UsernameTaken() from error
            if broken is Broken.EMAIL:
                raise EmailTaken() from error
            if broken is Broken.UNIQUE:
                await self._ensure_free(request.username, request.email)
            raise
        return user

    async def _ensure_free(self, username: str, email: str) -> None:
        if await self.users.username_taken(username):
            raise UsernameTaken()
        if await self.users.email_taken(email):
            raise EmailTaken()

    def _login_buckets(self, found: User | None, login: str, client: str) -> LoginBuckets:
        # One account, one bucket, whichever of its names is typed. A name that matches no
        # account gets a bucket of its own that behaves the same (no enumeration).
        account = f"account:{found.id}" if found else f"login:{login.lower()}"
        settings = self.settings
        return LoginBuckets(
            failures={
                account: settings.login_max_failures_per_account,
                f"client:{client}": settings.login_max_failures_per_client,
            },
            successes={f"client-logins:{client}": settings.login_max_per_client},
        )

    async def _give_back_quietly(self, *names: str) -> None:
        """`give_back`, shielded from the cancellation that may be unwinding the request, and
        never hiding the error being raised."""
        with contextlib.suppress(Exception):
            await asyncio.shield(self.attempts.give_back(*names))

    async def login(self, login: str, password: str, scope: str | None, client: str) -> IssuedToken:
        """A session for these credentials, made from the account as it is now.

        No database connection is held while argon2 runs: each read ends its transaction.
        """
        found = await self.users.find_by_login(login)
        await self.db.close()
        buckets = self._login_buckets(found, login, client)
        retry_after = await self.attempts.reserve({**buckets.failures, **buckets.successes})
        if retry_after is not None:
            raise RateLimited(retry_after, "Too many logins; try again later.")

        # The generation is read before the account that the session is made from: if the
        # account changes after this read, `create` refuses and the account is read again.
        # A login of no account does the same reads, so that it takes as long.
        user_id = found.id if found else _NOBODY
        try:
            generation = await self.sessions.generation(user_id)
            user = await self._fresh(user_id)
            ok, new_hash = await self.hasher.verify(password, user.password_hash if user else None)
        except BaseException:
            # Not judged (Redis or the database failed, or the request ran out of time): an
            # attempt that checked nothing must not count against the account or the client.
            await self._give_back_quietly(*buckets.failures, *buckets.successes)
            raise
        if user is None or not ok:
            await self.attempts.give_back(*buckets.successes)
            raise InvalidCredentials()
        # A success gives back what it counted as a possible failure, rather than resetting
        # the account's bucket: a reset would also forgive the guesses of whoever else is
        # trying this account, and wipe the counts of guesses still being verified, letting
        # more than the limit through in one window.
        await self.attempts.give_back(*buckets.failures)
        verified = {user.password_hash}
        if new_hash is not None:
            await self._rehash(user, new_hash)
            verified.add(new_hash)

        for _ in range(1 + _REREADS):
            if user is None or user.password_hash not in verified:
                raise InvalidCredentials()  # the password changed while it was being checked
            if user.disabled:
                raise AccountDisabled()
            issued = await self.sessions.create(
                user.id, self._granted_scopes(user, scope), generation
            )
            if issued is not None:
                return issued
            # The account changed since `generation` was read: answer as it is now.
            generation = await self.sessions.generation(user.id)
            user = await self._fresh(user.id)
        raise ServiceUnavailable("The account kept changing during the login.", retry_after=1)

    async def _fresh(self, user_id: uuid.UUID) -> User | None:
        user = await self.users.fresh(user_id)
        await self.db.close()  # the connection goes back to the pool
        return user

    async def _rehash(self, user: User, new_hash: str) -> None:
        """Store a hash with the current parameters, unless the password changed meanwhile."""
        await self.users.replace_password_hash(user.id, user.password_hash, new_hash)
        await self.db.commit()
        await self.db.close()

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
        retry_after = await self.attempts.reserve(limit)
        if retry_after is not None:
            raise RateLimited(retry_after, "Too many wrong passwords; try again later.")
        old_hash = user.password_hash
        await self.db.close()  # no connection held while argon2 runs
        ok, _ = await self.hasher.verify(current, old_hash)
        if not ok:
            raise WrongPassword()
        await self.attempts.give_back(*limit)
        new_hash = await self.hasher.hash(new)
        # Only if the password is still the one just checked: of two changes at once from
        # the same current password, one wins. A refused change ends no session.
        if not await self.users.replace_password_hash(user.id, old_hash, new_hash):
            await self.db.rollback()
            raise WrongPassword()
        # Before the commit and after it, as for every change that ends sessions.
        await self.sessions.end_all(user.id, keep=session)
        await self.db.commit()
        await self.sessions.end_all(user.id, keep=session)
