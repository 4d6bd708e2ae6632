"""Patterns compiled only when a text may hold what they find (foikit.publishing.redact).

A request's scan has patterns of its own (its requester's name, address, email, postcode),
compiled anew for every request, and most texts hold no trace of them. A `Source` carries a
pattern uncompiled with the words any match must contain; a `LazyPattern` compiles it on
first need, and skips a plain ASCII text that lacks one of those words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """A pattern before it is compiled, with what any text it matches must hold: each needle,
    as written apart from case. The scanner's own patterns are compiled per request, and
    most texts hold no trace of its requester: `LazyPattern` skips both the compiling and
    the matching for a text without the needles."""

    pattern: str
    flags: int
    needles: tuple[str, ...]

    def compile(self) -> re.Pattern[str]:
        return re.compile(self.pattern, self.flags)


class LazyPattern:
    """A `Source` compiled on first need. The needle check is made only when the text and
    the needles are plain ASCII: there, and only there, matching with or without IGNORECASE
    implies `needle.lower() in text.lower()` (for other text, Unicode case folding has pairs
    such as `ı`/`i` and `ſ`/`s` that `str.lower` does not join), so nothing is ever skipped
    that the pattern would find."""

    __slots__ = ("source", "needles", "_compiled")

    def __init__(self, source: Source) -> None:
        self.source = source
        low = tuple(n.lower() for n in source.needles)
        self.needles = low if all(n.isascii() for n in low) else None
        self._compiled: re.Pattern[str] | None = None

    def finditer(self, text: str, ascii_lower: str | None = None) -> Iterator[re.Match[str]]:
        """`pattern.finditer(text)`; `ascii_lower`: the text lower-cased when it is ASCII."""
        if (
            self.needles is not None
            and ascii_lower is not None
            and not all(n in ascii_lower for n in self.needles)
        ):
            return iter(())
        if self._compiled is None:
            self._compiled = self.source.compile()
        return self._compiled.finditer(text)
