"""People's names compared as people read them, not as bytes.

A name typed on a form, pasted from an email or given with `--by` may carry invisible characters
(a zero-width space, a soft hyphen, a byte-order mark), full-width or compatibility letters, or
different case. `person_key` folds them all away, so `ravi.quenby`, `Ravi.Quenby` and
`ravi.quenby` followed by U+200B are one person wherever foikit compares people (reviewer
independence, who may decide a review, who is logged in). `clean_name` keeps case but removes
what no reader can see, for names stored as given.
"""

from __future__ import annotations

import unicodedata

# Characters that render as nothing (or as a blank) but are not Unicode format characters (Cf),
# which are removed by category: Hangul fillers and the braille blank.
_INVISIBLE_EXTRA = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _visible(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category not in ("Cf", "Cc", "Cs", "Co", "Cn") and ch not in _INVISIBLE_EXTRA


def clean_name(name: str | None) -> str:
    """NFKC, invisible and control characters removed, runs of white space made one space."""
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(ch if _visible(ch) else (" " if ch in "\t\r\n" else "") for ch in text)
    return " ".join(text.split())


def person_key(name: str | None) -> str:
    """The form of a name used to compare people: clean_name, then case folded (and NFKC again,
    since folding can produce compatibility characters)."""
    return unicodedata.normalize("NFKC", clean_name(name).casefold())


def same_person(a: str | None, b: str | None) -> bool:
    key = person_key(a)
    return bool(key) and key == person_key(b)
