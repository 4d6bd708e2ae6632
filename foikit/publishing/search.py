"""Search that forgives: what a reader types, turned into a full-text query that cannot fail.

`forgiving_match(text)` replaces Datasette's `escape_fts` on the log's connections (the
plugin's `prepare_connection`), so the search box, its count and its facets all use it:

- only words and numbers are kept: quotes, brackets, `*`, `-`, `NEAR`, `OR` typed by a reader
  are never FTS5 syntax, so a lone `"` is "no results", never an error;
- each whitespace-separated piece is a phrase of its words, so "40(2)" is the phrase `40 2`
  and finds "s.40(2)"; "section 40" finds it too, since the index holds "section 40(2)";
- the last word of each piece is a prefix ("homic" finds "homicide"), and the index stems
  words with Porter (review/reviews);
- plurals Porter leaves apart ("knives", "knife") are asked for both ways; "s40" is "40".
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)
_SECTION = re.compile(r"^s(\d+[a-z]?)$", re.IGNORECASE)
# A term that can match nothing in the index: the query for a search with no words in it.
NOTHING = '""'


def _variants(word: str) -> list[str]:
    """The word and the other forms Porter does not bring together with it."""
    lower = word.lower()
    found = [lower]
    section = _SECTION.match(lower)
    if section:
        found.append(section.group(1))
    if len(lower) > 4 and lower.endswith("ves"):
        found.append(lower[:-3] + "f")  # knives -> knif(e), leaves -> leaf
    elif len(lower) > 3 and lower.endswith("fe"):
        found.append(lower[:-2] + "v")  # knife -> kniv(es), wife -> wiv(es)
    elif len(lower) > 3 and lower.endswith("f"):
        found.append(lower[:-1] + "v")  # thief -> thiev(es)
    return found


def _piece(words: list[str]) -> str:
    """One typed piece: a phrase of its words, the last a prefix, with its variants."""
    head = " ".join(w.lower() for w in words[:-1])
    options = []
    for last in _variants(words[-1]):
        phrase = f"{head} {last}".strip()
        options.append(f'"{phrase}"*')
    return options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")"


def forgiving_match(text: object) -> str:
    """An FTS5 query for `text` that always parses; `NOTHING` when it has no words."""
    if text is None:
        return NOTHING
    pieces = [_WORD.findall(chunk) for chunk in str(text).split()]
    terms = [_piece(words) for words in pieces if words]
    return " AND ".join(terms) if terms else NOTHING
