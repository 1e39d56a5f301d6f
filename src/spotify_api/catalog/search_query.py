"""A search query as the engines read it: its words, the words its typos may have meant, and
the match expressions of PostgreSQL's `to_tsquery` and SQLite's FTS5 built from them.

Every word must match (in any of a row's fields); the last one matches as a prefix too (people
are still typing it). A word of TYPO_MIN letters or more also matches the indexed words one
edit away from it (one letter wrong, missing, extra, or two neighbours swapped): they are
looked up in `search_words` (`known_typos`), and only those that exist go into the match.
The words are letters and digits only (`search_words`), so they need no escaping in either
syntax beyond their quotes.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from spotify_api.catalog.search_words import query_words

TYPO_MIN = 5
#: Longer words are not looked up for typos (their variants grow with their length).
TYPO_WORD_MAX = 24
#: Of a long query, only the first few words are looked up for typos.
TYPO_WORDS_MAX = 4
_ALPHABET = string.ascii_lowercase + string.digits


def typo_variants(word: str) -> set[str]:
    """Every word one edit from `word` (Damerau: a letter deleted, replaced, inserted, or two
    neighbours swapped), over ASCII letters and digits and the word's own letters."""
    letters = sorted(set(_ALPHABET) | set(word))
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    variants = {left + right[1:] for left, right in splits if right}
    variants |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    variants |= {left + c + right[1:] for left, right in splits if right for c in letters}
    variants |= {left + c + right for left, right in splits for c in letters}
    variants.discard(word)
    return variants


#: The most words a query's last word is expanded to (PostgreSQL); past it, a prefix match.
COMPLETIONS_MAX = 64
ALL_FIELDS = -1  # every bit: a word whose fields are not known may be anywhere


@dataclass(frozen=True, slots=True)
class SearchQuery:
    words: tuple[str, ...]
    #: For each word, the indexed words its typos may have meant.
    typos: tuple[tuple[str, ...], ...] = field(default=())
    #: The indexed words that start with the last word, or None: too many, or not looked up;
    #: PostgreSQL matches the last word as these words, else as a prefix.
    completions: tuple[str, ...] | None = None
    #: For each word, the fields (`search_models.FIELD_BITS`) that some row holds it in (for the
    #: last word: the words it starts); all bits when not looked up.
    fields: tuple[int, ...] = ()

    @property
    def key(self) -> str:
        """The query as `search_words.key` reads a name, for the exact and prefix ranks."""
        return " ".join(self.words)

    def typo_lookups(self) -> dict[str, set[str]]:
        """The words whose typos are worth looking up, each with its variants."""
        eligible = [w for w in self.words if TYPO_MIN <= len(w) <= TYPO_WORD_MAX]
        return {word: typo_variants(word) for word in eligible[:TYPO_WORDS_MAX]}

    def resolved(
        self,
        lookups: Mapping[str, set[str]],
        known: Mapping[str, int],
        completions: Sequence[tuple[str, int]] | None,
    ) -> SearchQuery:
        """This query, given its `typo_lookups()`, the indexed words among its words and their
        variants (`known`, each with its fields) and the indexed words that start its last word
        (None: more than COMPLETIONS_MAX)."""
        typos = tuple(
            tuple(sorted(lookups.get(word, set()) & known.keys() - {word})) for word in self.words
        )
        fields = [known.get(word, 0) for word in self.words[:-1]]
        if completions is None:
            fields.append(ALL_FIELDS)
        else:
            fields.append(reduce(or_, (bits for _, bits in completions), 0))
        listed = None if completions is None else tuple(word for word, _ in completions)
        return SearchQuery(self.words, typos, listed, tuple(fields))

    def in_every_word(self, bits: int) -> bool:
        """Whether every word is in one of these fields of some row (as far as is known)."""
        return all(word_fields & bits for word_fields in self.fields or (ALL_FIELDS,))

    def _terms(self, index: int, typos: bool, expand: bool) -> list[tuple[str, bool]]:
        """The terms of word `index`: (text, prefix)."""
        word = self.words[index]
        if index < len(self.words) - 1:
            terms = [(word, False)]
        elif expand and self.completions:  # none: the prefix, which matches nothing either
            terms = [(completion, False) for completion in self.completions]
        else:
            terms = [(word, True)]
        if typos and self.typos:
            terms += [(typo, False) for typo in self.typos[index]]
        return terms

    def tsquery(self, typos: bool = True) -> str:
        """PostgreSQL: every word (the last as one of its completions, or as a prefix; or as
        one of its typos). Exact completions, unlike a prefix, let the planner estimate how
        many rows match."""
        groups = []
        for index in range(len(self.words)):
            terms = [
                f"'{text}':*" if prefix else f"'{text}'"
                for text, prefix in self._terms(index, typos, expand=True)
            ]
            groups.append("(" + " | ".join(terms) + ")")
        return " & ".join(groups)

    def fts(self, typos: bool = True, column: str | None = None) -> str:
        """SQLite FTS5: the same, in `column` only if given."""
        groups = []
        for index in range(len(self.words)):
            terms = [
                f'"{text}"' + ("*" if prefix else "")
                for text, prefix in self._terms(index, typos, expand=False)
            ]
            groups.append("(" + " OR ".join(terms) + ")")
        expression = " AND ".join(groups)
        return f"{{{column}}} : ({expression})" if column else expression


def parse(text: str) -> SearchQuery | None:
    """The query's words; None when it has none (only punctuation or spaces)."""
    words = query_words(text)
    return SearchQuery(tuple(words)) if words else None
