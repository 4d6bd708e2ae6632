"""From a request's text to its questions: what an officer does by eye, written down.

The text of an email or letter is cut to the request itself (no greeting, sign-off,
signature, quoted earlier messages, disclaimers or the WhatDoTheyKnow footer), then split on
its numbered or lettered list (`1.`, `1)`, `(a)`, `a)`, `Q1`), or its bullets; with no list,
the request is one question. A list marker is not part of the question (the register numbers
questions itself, so "1. How many" is stored as "How many", never shown as "1) 1. How many").
"""

from __future__ import annotations

import re

# A list item: `1.`, `1)`, `(1)`, `(a)`, `a)`, `a.`, `i)`, `Q1`, `Q1.`, `Question 1:`, or a bullet.
_MARKER = re.compile(
    r"""^\s*(?:
        (?:Q(?:uestion)?\s*\.?\s*\d{1,3}\s*[.:)\-]?)     # Q1, Q1., Question 1:
      | \(?\d{1,3}\s*[.)]                                # 1. 1) (1)
      | \([a-zA-Z]\) | [a-zA-Z]\)                        # (a) a)
      | [a-z]\.(?=\s)                                    # a.
      | \((?:i{1,3}|iv|v|vi{0,3}|ix|x)\)                 # (i) (iv)
      | [-*\u2022\u00b7\u25aa\u2013]                     # bullets
    )\s+""",
    re.VERBOSE | re.IGNORECASE,
)

_GREETING = re.compile(
    r"^\s*(?:dear\b|hello\b|hi\b|good (?:morning|afternoon|evening)\b|to whom it may concern\b"
    r"|sir\s*/\s*madam\b)",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"^\s*(?:yours\s+(?:faithfully|sincerely|truly)|kind(?:est)?\s+regards|best\s+regards"
    r"|warm\s+regards|regards|many\s+thanks|thanks(?:\s+in\s+advance)?|thank\s+you(?:\s+in"
    r"\s+advance)?(?:\s+for\s+your\s+(?:help|time|assistance))?|best\s+wishes|best|cheers"
    r"|sent\s+from\s+my\b.*)\s*[,.!]?\s*$",
    re.IGNORECASE,
)
# Where an earlier message, a footer or a disclaimer begins: everything after it goes.
_CUT = re.compile(
    r"^\s*(?:-{2,}\s*original message\s*-{2,}|_{8,}|-{20,}|-- ?$"
    r"|on\b.{1,200}\bwrote:\s*$|from:\s.+|>"
    r"|please use this email address for all replies to this request"
    r"|disclaimer:|this (?:e-?mail|message) and any (?:files|attachments)"
    r"|is request-\S+ the wrong address"
    r"|confidentiality(?: notice)?:)",
    re.IGNORECASE,
)


def strip_marker(text: str) -> str:
    """A question without its list marker: "1. How many" -> "How many"."""
    match = _MARKER.match(text)
    return text[match.end() :].strip() if match else text


def request_body(text: str) -> str:
    """The request itself: greeting, sign-off and everything after it, quoted messages,
    disclaimers and footers removed. Lines are kept as they were."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for line in lines:
        if _CUT.match(line) or _SIGN_OFF.match(line):
            break
        kept.append(line.rstrip())
    # the greeting: the first non-blank line, when it is one
    for i, line in enumerate(kept):
        if line.strip():
            if _GREETING.match(line) and len(line) < 120:
                del kept[i]
            break
    while kept and not kept[0].strip():
        kept.pop(0)
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept)


def split_questions(text: str) -> list[str]:
    """The questions in a request's text: its list items, else the whole as one question.

    A list item runs on over following lines until a blank line or the next marker, so a
    question pasted over several lines stays one question. Text before the list (its
    introduction) and after it is not a question; it is kept in the request as received.
    """
    items: list[list[str]] = []
    current: list[str] | None = None
    for line in text.split("\n"):
        if _MARKER.match(line):
            current = [strip_marker(line)]
            items.append(current)
        elif not line.strip():
            current = None
        elif current is not None:
            current.append(line.strip())
    questions = [" ".join(part for part in item if part) for item in items]
    questions = [q for q in questions if q]
    if questions:
        return questions
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    whole = "\n\n".join(paragraphs)
    return [whole] if whole else []


def questions_from_lines(text: str) -> list[str]:
    """The staff form's box: list items when the officer pasted a list, else one question a
    line (as the form has always said), each without a pasted marker."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n")]
    if any(_MARKER.match(line) for line in lines):
        return split_questions("\n".join(lines))
    return [line.strip() for line in lines if line.strip()]
