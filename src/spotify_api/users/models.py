"""The user account table."""

from __future__ import annotations

import enum

from sqlalchemy import CheckConstraint, Index, String, false, func
from sqlalchemy.orm import Mapped, mapped_column

from spotify_api.core.db import Base, Timestamps, UuidPrimaryKey


class Role(enum.StrEnum):
    USER = "user"
    ADMIN = "admin"


class User(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('user', 'admin')", name="role_known"),
        CheckConstraint("length(username) BETWEEN 3 AND 32", name="username_length"),
    )

    username: Mapped[str] = mapped_column(String(32))
    email: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.USER, server_default=Role.USER)
    disabled: Mapped[bool] = mapped_column(default=False, server_default=false())


# Usernames and emails are unique ignoring case, which only an index on lower() enforces.
USERNAME_UNIQUE = Index("uq_users_username_lower", func.lower(User.username), unique=True)
EMAIL_UNIQUE = Index("uq_users_email_lower", func.lower(User.email), unique=True)
