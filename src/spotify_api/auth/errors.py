"""The errors of registering, logging in and managing one's own account."""

from spotify_api.core.errors import BadRequest, Conflict, NotAuthenticated, PermissionDenied


class InvalidCredentials(NotAuthenticated):
    code = "invalid_credentials"
    default_detail = "The username or password is wrong."


class AccountGone(NotAuthenticated):
    """The token is fine, but the account behind it is not there (deleted or disabled)."""

    default_detail = "The account behind this token no longer exists or is disabled."


class UsernameTaken(Conflict):
    code = "username_taken"
    default_detail = "This username is taken."


class EmailTaken(Conflict):
    code = "email_taken"
    default_detail = "An account with this email exists."


class WrongPassword(PermissionDenied):
    code = "wrong_password"
    default_detail = "The current password is wrong."


class InvalidScope(BadRequest):
    code = "invalid_scope"
    default_detail = "A requested scope is unknown or not allowed for this account."


class AccountDisabled(PermissionDenied):
    code = "account_disabled"
    default_detail = "This account is disabled."
