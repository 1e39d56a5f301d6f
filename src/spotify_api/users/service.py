"""Managing accounts from the operator's side."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from spotify_api.auth.sessions import SessionStore
from spotify_api.core.security import PasswordHasher
from spotify_api.users.models import Role, User
from spotify_api.users.repository import UserRepository


class UserAdminService:
    def __init__(self, db: AsyncSession, sessions: SessionStore, hasher: PasswordHasher) -> None:
        self.db = db
        self.users = UserRepository(db)
        self.sessions = sessions
        self.hasher = hasher

    async def ensure_admin(self, username: str, email: str, password: str) -> tuple[User, str]:
        """Create an admin, or promote the existing account with this username or email.

        Returns the user and what happened: "created", "promoted" or "unchanged". A promoted
        user's sessions end, so that their next login carries the admin scopes; their password
        is left as it is.
        """
        user = await self.users.find_by_login(username) or await self.users.find_by_login(email)
        if user is not None:
            if user.role == Role.ADMIN:
                return user, "unchanged"
            user.role = Role.ADMIN
            await self.db.commit()
            await self.sessions.revoke_all(user.id)
            return user, "promoted"
        user = User(
            username=username,
            email=email,
            password_hash=await self.hasher.hash(password),
            role=Role.ADMIN,
        )
        await self.users.add(user)
        await self.db.commit()
        return user, "created"
