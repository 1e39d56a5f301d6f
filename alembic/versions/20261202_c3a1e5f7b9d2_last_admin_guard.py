"""last admin guard: the database refuses a change that leaves no enabled admin

Revision ID: c3a1e5f7b9d2
Revises: d4b2f6a8c0e3
Create Date: 2026-12-02 19:00:00

A trigger on `users`, on both backends. An UPDATE or DELETE that makes an enabled admin stop
being one fails with an error naming `last_admin` when no other enabled admin remains.

PostgreSQL: two such changes at once (two admins demoting each other) would each see the other
admin still there. So the trigger first takes a transaction-scoped advisory lock (released at
commit; fine behind PgBouncer in transaction mode), then looks: in READ COMMITTED each statement
of a volatile plpgsql function sees what committed before it started, so the second change sees
the first one's commit. SQLite has one writer at a time, so its trigger needs no lock.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c3a1e5f7b9d2"
down_revision: str | None = "d4b2f6a8c0e3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The advisory lock that serialises changes removing an admin (any constant will do).
ADMIN_LOCK = 7_351_204_915
MESSAGE = "last_admin: at least one enabled admin must remain"

_REMOVES_ADMIN = "OLD.role = 'admin' AND NOT OLD.disabled"
_OTHER_ADMIN = "EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND NOT disabled AND id <> OLD.id)"

POSTGRES_FUNCTION = f"""
CREATE FUNCTION users_keep_an_admin() RETURNS trigger LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF {_REMOVES_ADMIN}
       AND (TG_OP = 'DELETE' OR NEW.role <> 'admin' OR NEW.disabled) THEN
        PERFORM pg_advisory_xact_lock({ADMIN_LOCK});
        IF NOT {_OTHER_ADMIN} THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$
"""

POSTGRES_TRIGGER = """
CREATE TRIGGER users_keep_an_admin BEFORE UPDATE OR DELETE ON users
FOR EACH ROW EXECUTE FUNCTION users_keep_an_admin()
"""

SQLITE_TRIGGERS = {
    "users_keep_an_admin_update": (
        "BEFORE UPDATE OF role, disabled ON users FOR EACH ROW "
        f"WHEN {_REMOVES_ADMIN} AND (NEW.role <> 'admin' OR NEW.disabled) AND NOT {_OTHER_ADMIN}"
    ),
    "users_keep_an_admin_delete": (
        f"BEFORE DELETE ON users FOR EACH ROW WHEN {_REMOVES_ADMIN} AND NOT {_OTHER_ADMIN}"
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
        return
    for name, when in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER users_keep_an_admin ON users")
        op.execute("DROP FUNCTION users_keep_an_admin()")
        return
    for name in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
