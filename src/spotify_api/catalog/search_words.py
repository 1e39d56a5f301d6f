"""How search reads a name: the one normalisation that indexing and querying share.

A name becomes words that ignore case, diacritics and the punctuation inside a word, because
people type "beyonce" for "Beyoncé", "acdc" or "ac dc" for "AC/DC" and "rem" for "R.E.M.":
1. compatibility decomposition, then combining marks dropped ("é" -> "e", "ö" -> "o"), case
   folded, and the few letters that do not decompose spelt in ASCII ("ø" -> "o", "ß" -> "ss");
2. split on white space; a lone "&" reads as "and";
3. each word keeps its letters and digits, joined ("ac/dc" -> "acdc", "a-ha" -> "aha");
   the index also holds the parts of a word that punctuation split ("ac", "dc"), so that
   "ac dc" finds it as well.

A query is read the same way, its words in their joined form only.
"""

from __future__ import annotations

import re
import unicodedata

_SPELT = str.maketrans(
    {
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ħ": "h",
        "ı": "i",
        "ŧ": "t",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ß": "ss",
    }
)
_PARTS = re.compile(r"[^\W_]+")

#: The longest word that search looks at; longer ones are cut (no name has such a word).
WORD_MAX = 64


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.casefold().translate(_SPELT)


def _words(text: str) -> list[list[str]]:
    """Each word of the text as its parts (runs of letters and digits)."""
    found = []
    for raw in _folded(text).split():
        parts = ["and"] if raw == "&" else _PARTS.findall(raw)
        if parts:
            found.append(parts)
    return found


def query_words(text: str) -> list[str]:
    """The words of a query, in order: each a word of the name it should find."""
    return ["".join(parts)[:WORD_MAX] for parts in _words(text)]


def index_words(text: str) -> list[str]:
    """The words under which a name is found: each word joined, then the parts of those that
    punctuation split."""
    words = _words(text)
    joined = ["".join(parts)[:WORD_MAX] for parts in words]
    split = [part[:WORD_MAX] for parts in words if len(parts) > 1 for part in parts]
    return joined + split


def index_text(text: str) -> str:
    """The name as the index stores it: its index words, separated by spaces."""
    return " ".join(index_words(text))


def key(text: str) -> str:
    """The name as one comparable string (its joined words), for ranking an exact name above
    a name that starts with the query."""
    return " ".join(query_words(text))
