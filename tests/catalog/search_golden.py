"""The golden query set of search: a small catalog with the names people misspell, and what each
query must find, with the reason it should.

`CATALOG` is curated through the API (`build`). Each `Golden` is a query, the type to look in,
and the name that must come first among that type's results; `why` says which rule of search
it holds to. The same set runs on PostgreSQL and on the embedded SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.catalog.conftest import Curator

# artist -> {album -> [songs]}
CATALOG: dict[str, dict[str, list[str]]] = {
    "Beyoncé": {"Lemonade": ["Formation", "Hold Up"]},
    "Motörhead": {"Ace of Spades": ["Ace of Spades", "Love Me Like a Reptile"]},
    "Sigur Rós": {"Takk...": ["Hoppípolla", "Glósóli"]},
    "AC/DC": {"Back in Black": ["Hells Bells", "Back in Black"]},
    "R.E.M.": {"Automatic for the People": ["Everybody Hurts", "Nightswimming"]},
    "a-ha": {"Hunting High and Low": ["Take On Me", "The Sun Always Shines on T.V."]},
    "Metallica": {"Metallica": ["Enter Sandman", "The Unforgiven"]},
    "The Beatles": {"Help!": ["Yesterday", "Help!"]},
    "Tribute Band": {"Covers": ["Metallica Forever", "Yesterday"]},
    "Metal": {"Alloy": ["Petal Song"]},
    "Heavy Metal Kids": {"Anvil": ["Kids"]},
    "Petal": {"Bloom": ["Stem"]},
}


@dataclass(frozen=True)
class Golden:
    q: str
    type: str  # artist, album or song
    first: str  # the name (or title) that must rank first of that type
    why: str


GOLDEN = [
    Golden("beyonce", "artist", "Beyoncé", "diacritics do not matter"),
    Golden("BEYONCÉ", "artist", "Beyoncé", "case does not matter"),
    Golden("motorhead", "artist", "Motörhead", "ö reads as o"),
    Golden("sigur ros", "artist", "Sigur Rós", "ó reads as o, in a two-word name"),
    Golden("hoppipolla", "song", "Hoppípolla", "í reads as i"),
    Golden("acdc", "artist", "AC/DC", "punctuation inside a word is dropped"),
    Golden("ac dc", "artist", "AC/DC", "the parts that punctuation splits are words too"),
    Golden("AC/DC", "artist", "AC/DC", "the query is read as the name is"),
    Golden("rem", "artist", "R.E.M.", "dots inside a name are dropped"),
    Golden("aha", "artist", "a-ha", "a hyphen inside a word is dropped"),
    Golden("metal", "artist", "Metal", "an exact name ranks first"),
    Golden("metall", "artist", "Metallica", "the last word matches as a prefix"),
    Golden("enter sand", "song", "Enter Sandman", "as you type: the last word is a prefix"),
    Golden("metalica", "artist", "Metallica", "typo: a letter missing"),
    Golden("metallicca", "artist", "Metallica", "typo: a letter extra"),
    Golden("metallixa", "artist", "Metallica", "typo: a letter wrong"),
    Golden("beatels", "artist", "The Beatles", "typo: two letters swapped"),
    Golden("unforgiven", "song", "The Unforgiven", "a word inside the title"),
    Golden("takk", "album", "Takk...", "trailing dots are punctuation"),
    Golden("help", "album", "Help!", "an exclamation mark is punctuation"),
]


async def build(curator: Curator) -> dict[str, dict[str, Any]]:
    """Curate `CATALOG`; the bodies by name (songs by "title/artist")."""
    made: dict[str, dict[str, Any]] = {}
    for artist_name, albums in CATALOG.items():
        artist = await curator.artist(artist_name)
        made[artist_name] = artist
        for album_title, songs in albums.items():
            album = await curator.album(artist, album_title)
            made[f"{album_title}/{artist_name}"] = album
            for title in songs:
                made[f"{title}/{artist_name}"] = await curator.song(album, title)
    return made
