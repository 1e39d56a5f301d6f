"""The errors of user administration."""

from spotify_api.core.errors import Conflict, NotFound


class UserNotFound(NotFound):
    default_detail = "No user with this id."


class CannotChangeSelf(Conflict):
    code = "cannot_change_self"
    default_detail = (
        "You cannot disable your own account or take away your own admin role; "
        "ask another admin to do it."
    )


class LastAdmin(Conflict):
    code = "last_admin"
    default_detail = "This would leave no enabled admin; make another account an admin first."


class PasswordRequired(Exception):
    """Creating an account needs a password, and none was given (the CLI may ask for one)."""
