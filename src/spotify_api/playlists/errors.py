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
