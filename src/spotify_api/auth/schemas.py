"""Bodies of the account endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, EmailStr, Field, StringConstraints

from spotify_api.core.schemas import RequestModel, ResponseModel

Username = Annotated[
    str,
    StringConstraints(min_length=3, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$"),
    Field(description="3–32 of letters, digits, `_`, `.` and `-`; unique ignoring case."),
]
Password = Annotated[str, Field(min_length=8, max_length=128, description="8–128 characters.")]
Email = Annotated[EmailStr, Field(max_length=254, description="Unique ignoring case.")]


class RegisterRequest(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"username": "ada", "email": "ada@example.com", "password": "correct-horse-battery"}
            ]
        }
    )

    username: Username
    email: Email
    password: Password


class LoginRequest(RequestModel):
    """Log in with JSON. `username` may also be the account's email."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"username": "ada", "password": "correct-horse-battery"},
                {"username": "ada", "password": "correct-horse-battery", "scope": "playlists:read"},
            ]
        }
    )

    username: str = Field(min_length=1, max_length=254, description="Username or email.")
    password: str = Field(min_length=1, max_length=128)
    scope: str | None = Field(
        default=None,
        max_length=200,
        description="Space-separated scopes, narrower than the account's; all of them if absent.",
    )


class LoginForm(RequestModel):
    """The OAuth2 password grant (RFC 6749 §4.3), as Swagger UI's Authorize button sends it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"grant_type": "password", "username": "ada", "password": "correct-horse-battery"}
            ]
        }
    )

    grant_type: Literal["password"] | None = Field(default=None)
    username: str = Field(min_length=1, max_length=254, description="Username or email.")
    password: str = Field(min_length=1, max_length=128)
    scope: str | None = Field(default=None, max_length=200)
    client_id: str | None = Field(default=None, max_length=255, description="Ignored.")
    client_secret: str | None = Field(default=None, max_length=255, description="Ignored.")


class Token(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "access_token": "kZ2vQ0mN3yW1bXo8rT5uJ6pA9sD4fG7hL0cV2eR1tY8",
                "token_type": "bearer",
                "expires_in": 86400,
                "scope": "playlists:read playlists:write",
            }
        }
    )

    access_token: str = Field(description="Send as `Authorization: Bearer <token>`.")
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (a scheme name, not a secret)
    expires_in: int = Field(description="Seconds the token stays valid if it is not used.")
    scope: str = Field(description="The space-separated scopes granted.")


class PasswordChange(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"current_password": "correct-horse-battery", "new_password": "tr0ub4dor&3-longer"}
            ]
        }
    )

    current_password: str = Field(min_length=1, max_length=128)
    new_password: Password
