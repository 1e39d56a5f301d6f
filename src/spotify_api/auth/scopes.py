"""The scopes a token can carry, and which ones each role may have."""

from __future__ import annotations

from spotify_api.users.models import Role

PLAYLISTS_READ = "playlists:read"
PLAYLISTS_WRITE = "playlists:write"
CATALOG_WRITE = "catalog:write"
USERS_ADMIN = "users:admin"
ACCOUNT_WRITE = "account:write"
LIBRARY_READ = "library:read"
LIBRARY_WRITE = "library:write"

SCOPES: dict[str, str] = {
    ACCOUNT_WRITE: "Change your password.",
    PLAYLISTS_READ: "Read your playlists and public playlists.",
    PLAYLISTS_WRITE: "Create, change and delete your playlists.",
    LIBRARY_READ: "Read your library: saved songs and albums, followed artists.",
    LIBRARY_WRITE: "Save and remove songs and albums, follow and unfollow artists.",
    CATALOG_WRITE: "Add, edit and delete artists, albums and songs (admins).",
    USERS_ADMIN: "List users, change their role, disable them (admins).",
}

ROLE_SCOPES: dict[str, tuple[str, ...]] = {
    Role.USER: (ACCOUNT_WRITE, PLAYLISTS_READ, PLAYLISTS_WRITE, LIBRARY_READ, LIBRARY_WRITE),
    Role.ADMIN: (
        ACCOUNT_WRITE,
        PLAYLISTS_READ,
        PLAYLISTS_WRITE,
        LIBRARY_READ,
        LIBRARY_WRITE,
        CATALOG_WRITE,
        USERS_ADMIN,
    ),
}

#: Scopes that only a role gives: an operation that needs one checks the account's role as it
#: is now, not only the token's scopes from when it was issued.
ROLE_BEARING = frozenset({CATALOG_WRITE, USERS_ADMIN})
