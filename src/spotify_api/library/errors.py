"""The errors of the library: an id that names nothing in the catalog."""

from spotify_api.core.errors import NotFound


class SongNotFound(NotFound):
    code = "song_not_found"
    default_detail = "No song with this id."


class AlbumNotFound(NotFound):
    code = "album_not_found"
    default_detail = "No album with this id."


class ArtistNotFound(NotFound):
    code = "artist_not_found"
    default_detail = "No artist with this id."
