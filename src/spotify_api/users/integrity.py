"""Which rule of the users table a refused write broke, from the driver's error fields.

Never from the message text, which drivers and servers word as they like. PostgreSQL (asyncpg,
the cause of SQLAlchemy's adapted error) gives the SQLSTATE and the constraint's name; SQLite
gives an extended result code only, with no name: there a unique violation is `UNIQUE`, and the
caller looks up which of the values is taken.
"""

from __future__ import annotations

import enum

from sqlalchemy.exc import IntegrityError

from spotify_api.core.errors import constraint_name, sqlite_error_name, sqlstate
from spotify_api.users.models import EMAIL_UNIQUE, USERNAME_UNIQUE

_UNIQUE_VIOLATION = "23505"
_CHECK_VIOLATION = "23514"


class Broken(enum.Enum):
    USERNAME = "username"  # another account has this username, ignoring case
    EMAIL = "email"  # another account has this email, ignoring case
    UNIQUE = "unique"  # one of the two, the driver does not say which (SQLite)
    LAST_ADMIN = "last_admin"  # the change would leave no enabled admin (the trigger)


_BY_INDEX = {str(USERNAME_UNIQUE.name): Broken.USERNAME, str(EMAIL_UNIQUE.name): Broken.EMAIL}


def broken_rule(error: IntegrityError) -> Broken | None:
    """The rule `error` reports; None for any other (a bug, to be raised as it is)."""
    state = sqlstate(error)
    if state is not None:
        constraint = constraint_name(error)
        if state == _UNIQUE_VIOLATION:
            return _BY_INDEX.get(constraint or "")
        # A CHECK constraint has a name; the guard's RAISE in plpgsql (`last_admin_guard`,
        # ERRCODE check_violation) is the only check violation on users without one.
        if state == _CHECK_VIOLATION and constraint is None:
            return Broken.LAST_ADMIN
        return None
    name = sqlite_error_name(error)
    if name == "SQLITE_CONSTRAINT_UNIQUE":
        return Broken.UNIQUE
    # RAISE(ABORT) in a trigger: the guard's triggers are the only ones on users.
    if name == "SQLITE_CONSTRAINT_TRIGGER":
        return Broken.LAST_ADMIN
    return None
