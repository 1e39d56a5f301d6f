"""Whether a refused catalog write named a row that another request deleted meanwhile.

Curation checks that an album or artist it is given exists before it writes, but a delete may
commit between that check and the write; the database's foreign key then refuses the write.
Read from the driver's codes, never the message text: PostgreSQL's SQLSTATE (asyncpg, the
cause of SQLAlchemy's adapted error), SQLite's extended result code.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from spotify_api.core.errors import sqlite_error_name, sqlstate

_FOREIGN_KEY_VIOLATION = "23503"


def is_missing_reference(error: IntegrityError) -> bool:
    state = sqlstate(error)
    if state is not None:
        return state == _FOREIGN_KEY_VIOLATION
    return sqlite_error_name(error) == "SQLITE_CONSTRAINT_FOREIGNKEY"
