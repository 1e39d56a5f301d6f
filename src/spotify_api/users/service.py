"""Managing accounts from the operator's side: the CLI's create-admin and /admin/users."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from spotify_api.auth.sessions import SessionStore
from spotify_api.core.keyset import PageQuery, Window
from spotify_api.core.security import PasswordHasher
from spotify_api.users.errors import CannotChangeSelf, LastAdmin, PasswordRequired, UserNotFound
from spotify_api.users.integrity import Broken, broken_rule
from spotify_api.users.models import Role, User
from spotify_api.users.repository import UserRepository
from spotify_api.users.schemas import UserUpdate

Outcome = Literal["created", "promoted", "unchanged"]


@dataclass(frozen=True, slots=True)
class AdminEnsured:
    user: User
    outcome: Outcome
    password_reset: bool


class UserAdminService:
    def __init__(self, db: AsyncSession, sessions: SessionStore, hasher: PasswordHasher) -> None:
        self.db = db
        self.users = UserRepository(db)
        self.sessions = sessions
        self.hasher = hasher

    async def ensure_admin(
        self, username: str, email: str, password: str | None, *, reset_password: bool = False
    ) -> AdminEnsured:
        """Create an admin, or promote the existing account with this username or email.

        A promoted user's sessions end, so that their next login carries the admin scopes. An
        existing account's password is left as it is unless `reset_password`, which sets it and
        ends its sessions too. Creating an account without a password raises PasswordRequired.
        """
        user = await self.users.find_by_login(username) or await self.users.find_by_login(email)
        if user is None:
            if password is None:
                raise PasswordRequired()
            user = User(
                username=username,
                email=email,
                password_hash=await self.hasher.hash(password),
                role=Role.ADMIN,
            )
            await self.users.add(user)
            await self.db.commit()
            return AdminEnsured(user, "created", password_reset=False)
        outcome: Outcome = "unchanged" if user.role == Role.ADMIN else "promoted"
        new_password = password if reset_password else None
        if outcome == "unchanged" and new_password is None:
            return AdminEnsured(user, outcome, password_reset=False)
        if new_password is not None:
            user.password_hash = await self.hasher.hash(new_password)
        user.role = Role.ADMIN
        await self.sessions.end_all(user.id)
        await self.db.commit()
        await self.sessions.end_all(user.id)
        return AdminEnsured(user, outcome, password_reset=new_password is not None)

    async def list_users(self, q: str | None, page: PageQuery) -> Window[tuple[User, Any]]:
        """A page of the users whose username or email contains `q`, by username, each with
        its sort key."""
        return await self.users.page(page, q)

    async def count_users(self, q: str | None) -> int:
        return await self.users.count(q)

    async def update_user(
        self, actor_id: uuid.UUID, user_id: uuid.UUID, change: UserUpdate
    ) -> User:
        """Change a user's role or disabled flag.

        Disabling a user or changing their role ends every session they have, so that no token
        keeps scopes the account no longer has: before the commit (a login in between must not
        keep the old scopes if ending them afterwards fails) and after it (a login that read
        the account before the commit must not keep them either). The change is written
        first, so that one the database refuses ends no session.
        An admin cannot disable or demote themselves, and the last enabled admin cannot be
        demoted or disabled by anyone: the database refuses it (a trigger), whatever the race.
        """
        user = await self.users.get(user_id)
        if user is None:
            raise UserNotFound()
        demotes = change.role is not None and Role(change.role) is not Role.ADMIN
        if user.id == actor_id and (change.disabled is True or demotes):
            raise CannotChangeSelf()
        was_enabled_admin = user.role == Role.ADMIN and not user.disabled

        ends_sessions = change.disabled is True
        if change.role is not None and change.role != user.role:
            user.role = change.role
            ends_sessions = True
        if change.disabled is not None and change.disabled != user.disabled:
            user.disabled = change.disabled
        removes_admin = was_enabled_admin and (user.role != Role.ADMIN or user.disabled)
        if removes_admin and not await self.users.other_enabled_admin_exists(user.id):
            raise LastAdmin()

        if not self.db.is_modified(user):
            # Disabling an already disabled user still ends their sessions: a retry after a
            # failure to reach Redis then finishes the job.
            if ends_sessions:
                await self.sessions.end_all(user.id)
            return user
        # The database checks the change (the last admin) when it is written, before any
        # session ends: a refused change ends none.
        await self._flush()
        if ends_sessions:
            await self.sessions.end_all(user.id)
        await self.db.commit()
        if ends_sessions:
            await self.sessions.end_all(user.id)
        return user

    async def _flush(self) -> None:
        try:
            await self.db.flush()
        except IntegrityError as error:
            await self.db.rollback()
            if broken_rule(error) is Broken.LAST_ADMIN:
                raise LastAdmin() from error
            raise
