"""The scopes a token can carry, and which ones each role may have."""

from __future__ import annotations

from spotify_api.users.models import Role

PLAYLISTS_READ = "playlists:read"
PLAYLISTS_WRITE = "playlists:write"
CATALOG_WRITE = "catalog:write"
USERS_ADMIN = "users:admin"

SCOPES: dict[str, str] = {
    PLAYLISTS_READ: "Read your playlists and public playlists.",
    PLAYLISTS_WRITE: "Create, change and delete your playlists.",
    CATALOG_WRITE: "Add, edit and delete artists, albums and songs (admins).",
    USERS_ADMIN: "List users, change their role, disable them (admins).",
}

ROLE_SCOPES: dict[str, tuple[str, ...]] = {
    Role.USER: (PLAYLISTS_READ, PLAYLISTS_WRITE),
    Role.ADMIN: (PLAYLISTS_READ, PLAYLISTS_WRITE, CATALOG_WRITE, USERS_ADMIN),
}
