"""Queries on the users table."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from spotify_api.core.keyset import PageQuery, SortKey, Window, restrict, window
from spotify_api.core.reads import ReadDatabase
from spotify_api.users.models import Role, User

#: Users are listed by username ignoring case, which the unique index on lower(username)
#: serves; the id breaks ties only in principle (lower(username) is unique).
USERS_BY_USERNAME = SortKey("username", func.lower(User.username), User.id, False)


def _matching(q: str | None) -> list[ColumnElement[bool]]:
    """Users whose username or email contains `q`, ignoring case (`%` and `_` are literal)."""
    if not q:
        return []
    needle = q.lower()
    return [
        or_(
            func.lower(User.username).contains(needle, autoescape=True),
            func.lower(User.email).contains(needle, autoescape=True),
        )
    ]


_USERS = User.__table__
_STANDING = select(_USERS.c.role, _USERS.c.disabled).where(_USERS.c.id == bindparam("user_id"))


async def standing(reads: ReadDatabase, user_id: uuid.UUID) -> tuple[str, bool] | None:
    """The account's role and whether it is disabled, as the database has them now: on the
    read pool (`core.reads`), so that it takes no connection of the request's own."""
    rows = await reads.fetch(_STANDING, {"user_id": user_id})
    return (str(rows[0][0]), bool(rows[0][1])) if rows else None


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

    async def fresh(self, user_id: uuid.UUID) -> User | None:
        """The user as the database has it now, not as this session last saw it."""
        return await self.session.get(User, user_id, populate_existing=True)

    async def replace_password_hash(self, user_id: uuid.UUID, old: str, new: str) -> bool:
        """Set the hash to `new` if it is still `old`; whether it was."""
        query = (
            update(User)
            .where(User.id == user_id, User.password_hash == old)
            .values(password_hash=new)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(query)
        return bool(getattr(result, "rowcount", 0))

    async def other_enabled_admin_exists(self, user_id: uuid.UUID) -> bool:
        query = select(User.id).where(User.role == Role.ADMIN, ~User.disabled, User.id != user_id)
        return (await self.session.scalar(query.limit(1))) is not None

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

    async def page(self, page: PageQuery, q: str | None = None) -> Window[tuple[User, Any]]:
        """One page of users matching `q`, each with its sort key as the database computed it.

        The key comes from SQL rather than Python so that a cursor resumes exactly where the
        database's own ordering (and collation) left off.
        """
        query = select(User, page.sort.column.label("sort_key")).where(*_matching(q))
        statement = restrict(query, page.sort, page.shape[1])
        rows = (await self.session.execute(statement, page.params())).all()
        return window([(user, key) for user, key in rows], page)

    async def count(self, q: str | None = None) -> int:
        query = select(func.count()).select_from(User).where(*_matching(q))
        return int(await self.session.scalar(query) or 0)
