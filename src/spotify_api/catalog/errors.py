"""The errors of browsing and curating the catalog."""

from spotify_api.core.errors import Conflict, NotFound


class SongNotFound(NotFound):
    default_detail = "No song with this id."


class AlbumNotFound(NotFound):
    default_detail = "No album with this id."


class ArtistNotFound(NotFound):
    default_detail = "No artist with this id."


class ArtistHasAlbums(Conflict):
    code = "artist_has_albums"
    default_detail = "The artist has albums; delete them first, or pass ?cascade=true."


class ArtistHasSongs(Conflict):
    code = "artist_has_songs"
    default_detail = (
        "The artist is credited on other artists' songs; pass ?cascade=true to remove the credits."
    )


class AlbumHasSongs(Conflict):
    code = "album_has_songs"
    default_detail = "The album has songs; delete them first, or pass ?cascade=true."
