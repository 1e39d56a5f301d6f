"""Queries on the users table."""

from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from spotify_api.users.models import User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def find_by_login(self, login: str) -> User | None:
        """The user whose username or email is `login`, ignoring case."""
        key = login.lower()
        query = select(User).where(
            or_(func.lower(User.username) == key, func.lower(User.email) == key)
        )
        return (await self.session.scalars(query.limit(1))).first()

    async def username_taken(self, username: str) -> bool:
        query = select(User.id).where(func.lower(User.username) == username.lower())
        return (await self.session.scalar(query.limit(1))) is not None

    async def email_taken(self, email: str) -> bool:
        query = select(User.id).where(func.lower(User.email) == email.lower())
        return (await self.session.scalar(query.limit(1))) is not None

    async def add(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        return user
