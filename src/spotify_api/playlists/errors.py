"""The errors of playlists."""

from spotify_api.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
)


class PlaylistNotFound(NotFound):
    default_detail = "No playlist with this id."


class SongNotFound(NotFound):
    code = "song_not_found"
    default_detail = "No song with this id."


class SongNotInPlaylist(NotFound):
    code = "song_not_in_playlist"
    default_detail = "The playlist does not hold this song (at this position)."


class NotOwner(PermissionDenied):
    code = "not_owner"
    default_detail = "Only the playlist's owner may change it."


class PlaylistFull(Conflict):
    code = "playlist_full"
    default_detail = "A playlist holds at most 10,000 songs."


class SnapshotMismatch(DomainError):
    status_code = 412
    code = "snapshot_mismatch"
    default_detail = "The playlist changed since the snapshot in If-Match."


class OwnPlaylist(Conflict):
    code = "own_playlist"
    default_detail = "This is your own playlist: its owner neither follows nor collaborates on it."


class UserNotFound(NotFound):
    code = "user_not_found"
    default_detail = "No user with this username."


class TooManyCollaborators(Conflict):
    code = "too_many_collaborators"
    default_detail = "A playlist has at most 50 collaborators."


class NotCollaborator(PermissionDenied):
    code = "not_collaborator"
    default_detail = "Only the playlist's owner and its collaborators may see its collaborators."
