"""Finding earlier work: search, the list of closed requests, and similar requests.

`search` is SQLite FTS5 over subjects, questions and answers, stemmed by the porter tokenizer
(so "reviews" finds "review") with every word matched as a prefix ("homic" finds "homicide").
`similar` ranks earlier requests by bm25 over subject and questions, each with its outcome and
where it was published, so the officer can point to an earlier answer (FOIA s.21: reasonably
accessible) or answer consistently; it warns when the same requester has asked for similar
information within 60 working days (the cost limit may aggregate them: Fees Regulations 2004,
reg 5) or has asked the same thing before (a repeated request: FOIA s.14(2)).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from foikit.casework.common import get_request_row, load_calendar
from foikit.clock.rules import working_days_between
from foikit.errors import InvalidRequest

if TYPE_CHECKING:
    from foikit.register.reader import Reader


AGGREGATION_WORKING_DAYS = 60  # Fees Regulations 2004 reg 5(2)(b)
PUBLISHED_REGIMES = ("foi", "eir")
# bm25 weights: subject, questions, answers (similar ranks on what was asked, not answered)
SIMILAR_WEIGHTS = (2.0, 1.0, 0.0)
_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "by",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "please",
        "provide",
        "request",
        "requested",
        "requesting",
        "s",
        "so",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "under",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "act",
        "freedom",
        "information",
        "foi",
    }
)
MAX_QUERY_TERMS = 24


class InvalidSearch(InvalidRequest):
    """Search text that holds nothing to search for."""


def _terms(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.casefold()) if w]


def match_expression(text: str) -> str:
    """FTS5 query for what an officer typed: every word must appear (stemmed), the last as a
    prefix too, as it may be half typed ("domestic homic"). Words are quoted, so FTS5 syntax in
    the box (NEAR, *, ", column filters) is read as text. Only the last word is a prefix: a
    prefix query reads the whole of every matching term's list, which a long query cannot
    afford on a large register."""
    words = _terms(text)[:MAX_QUERY_TERMS]
    if not words:
        raise InvalidSearch(f"nothing to search for in {text!r}: give a word or two")
    *whole, last = words
    return " AND ".join([*(f'"{w}"' for w in whole), f'"{last}"*'])


def _log_base(reg: Reader) -> str | None:
    """The disclosure log's public address (a setting); links are made from it."""
    value = reg.scalar("SELECT value FROM settings WHERE key = 'office.disclosure_log_url'")
    return str(value).rstrip("/") if value else None


def _published(row: dict[str, Any]) -> bool:
    return bool(row["status"] == "closed" and row["publish"] and row["regime"] in PUBLISHED_REGIMES)


def _result(base: str | None, row: dict[str, Any], **extra: Any) -> dict[str, Any]:
    published = _published(row)
    return {
        "reference": row["reference"],
        "subject": row["subject"],
        "received": row["received"],
        "status": row["status"],
        "outcome": row["outcome"],
        "responded": row["responded"],
        "handler": row["handler"],
        "published": published,
        "link": f"/requests/{row['reference']}",
        "public_link": (
            f"{base}/disclosure/disclosures/{row['reference']}" if published and base else None
        ),
        **extra,
    }


_COLUMNS = (
    "r.id, r.reference, r.subject, r.received, r.status, r.outcome, r.responded, r.handler,"
    " r.publish, r.regime, r.requester_id"
)


SEARCH_RANK = "bm25(request_fts, 2.0, 1.0, 1.0)"


def search(
    reg: Reader, text: str, *, status: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Requests whose subject, questions or answers hold every word typed, best first among
    the latest CANDIDATES that hold them (a common word in a large register ranks recent
    requests, which keeps the box fast), each with a snippet of where the words are."""
    expression = match_expression(text)
    if status:
        expression = f"({expression})"
    rows = _ranked(reg, expression, int(limit) * (4 if status else 1), SEARCH_RANK)
    if status:
        rows = [r for r in rows if r["status"] == status][: int(limit)]
    snippets = _snippets(reg, [int(r["id"]) for r in rows], _terms(text))
    base = _log_base(reg)
    return [_result(base, row, snippet=snippets.get(row["id"], "")) for row in rows]


def _snippets(reg: Reader, ids: list[int], words: list[str]) -> dict[int, str]:
    """Where the words are, for the rows shown: the first question or answer holding one,
    about a dozen words around it, matches in [brackets]. Worked out here for the shown rows
    only (FTS5's snippet() would be computed for every ranked candidate)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    texts: dict[int, list[str]] = {}
    for r in reg.query(
        "SELECT q.request_id, q.text AS question, a.text AS answer FROM questions q"
        f" LEFT JOIN answers a ON a.question_id = q.id WHERE q.request_id IN ({marks})"
        " ORDER BY q.request_id, q.number",
        ids,
    ):
        texts.setdefault(r["request_id"], []).extend(t for t in (r["question"], r["answer"]) if t)
    out: dict[int, str] = {}
    for rid, parts in texts.items():
        for part in parts:
            tokens = part.split()
            hits = [
                i
                for i, tok in enumerate(tokens)
                if any(t.startswith(w) for t in _terms(tok) for w in words)
            ]
            if hits:
                lo = max(0, hits[0] - 4)
                shown = [
                    f"[{tok}]" if i in hits else tok
                    for i, tok in enumerate(tokens[lo : lo + 12], lo)
                ]
                out[rid] = ("… " if lo else "") + " ".join(shown)
                break
    return out


def closed_requests(
    reg: Reader,
    *,
    outcome: str | None = None,
    handler: str | None = None,
    regime: str | None = None,
    responded_from: str | None = None,
    responded_to: str | None = None,
    text: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Closed requests, most recently answered first, filtered."""
    where = ["r.status = 'closed'"]
    params: list[Any] = []
    for column, value in (("r.outcome", outcome), ("r.handler", handler), ("r.regime", regime)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if responded_from:
        where.append("r.responded >= ?")
        params.append(responded_from)
    if responded_to:
        where.append("r.responded <= ?")
        params.append(responded_to)
    source = "requests r"
    if text and text.strip():
        source = "request_fts JOIN requests r ON r.id = request_fts.rowid"
        where.append("request_fts MATCH ?")
        params.append(match_expression(text))
    sql = (
        f"SELECT {_COLUMNS} FROM {source} WHERE {' AND '.join(where)}"
        " ORDER BY r.responded DESC, r.id DESC LIMIT ?"
    )
    base = _log_base(reg)
    return [_result(base, row) for row in reg.query(sql, [*params, int(limit)])]


# A word held by at least COMMON_AT requests is common: ranking over it would score much of the
# register (bm25 costs ~10 microseconds a matching request), so it only narrows (AND), and a
# word held by VERY_COMMON_AT or more is left out (an AND over it walks a long posting list).
COMMON_AT = 500
VERY_COMMON_AT = 1000
RARE_TERMS = 8
# Words of the request's form rather than its subject ("How many ... were recorded ...").
_FORM_WORDS = frozenset(
    {
        "many",
        "number",
        "numbers",
        "total",
        "list",
        "details",
        "copy",
        "copies",
        "figures",
        "figure",
        "data",
        "recorded",
        "held",
        "since",
        "year",
        "years",
        "each",
        "per",
        "all",
        "any",
        "also",
        "following",
        "between",
        "during",
        "last",
        "over",
        "include",
        "including",
        "period",
        "current",
        "relating",
        "related",
        "regarding",
        "about",
        "know",
        "like",
        "would",
    }
)


def _content_words(subject: str, questions: list[str]) -> list[str]:
    seen: list[str] = []
    for word in _terms(" ".join([subject, *questions])):
        if word in _STOP or word in _FORM_WORDS or len(word) < 3 or word in seen:
            continue
        seen.append(word)
        if len(seen) >= MAX_QUERY_TERMS:
            break
    return seen


def _held_by(reg: Reader, word: str) -> int:
    """How many requests hold the word in subject or questions, counted up to VERY_COMMON_AT."""
    return int(
        reg.scalar(
            "SELECT count(*) FROM (SELECT rowid FROM request_fts WHERE request_fts MATCH ?"
            " LIMIT ?)",
            (f'{{subject questions}} : "{word}"', VERY_COMMON_AT),
        )
    )


def _stages(reg: Reader, subject: str, questions: list[str]) -> list[tuple[float, str]]:
    """FTS5 queries from the closest kind of match to the loosest, each with its weight: the
    subject's words and the rarest others (a near repeat); any rare word; the three rarest
    words; the two rarest."""
    words = _content_words(subject, questions)
    held = {w: _held_by(reg, w) for w in words}
    words = [w for w in words if held[w] > 0]
    if not words:
        return []
    by_rarity = sorted(words, key=lambda w: held[w])
    usable = [w for w in by_rarity if held[w] < VERY_COMMON_AT] or by_rarity[:2]
    subject_words = [w for w in _content_words(subject, []) if w in usable]
    others = [w for w in usable if w not in subject_words]
    cols = "{subject questions} : "

    def both(ws: list[str]) -> str:
        return cols + "(" + " AND ".join(f'"{w}"' for w in ws) + ")"

    stages = [(1.0, both((subject_words + others[:2])[:6]))]
    # years and numbers narrow a match but never make one on their own
    rare = [w for w in by_rarity if held[w] < COMMON_AT and not w.isdigit()][:RARE_TERMS]
    if rare:
        stages.append((0.8, cols + "(" + " OR ".join(f'"{w}"' for w in rare) + ")"))
    for weight, n in ((0.6, 3), (0.4, 2)):
        if len(usable) > n:
            stages.append((weight, both(usable[:n])))
    return stages


# Each stage ranks at most this many of its matches, the most recent (FTS5 walks its matches in
# id order, so finding where they start is cheap): a common subject in a large register is
# ranked among its latest 300 earlier requests rather than all of them, which keeps `similar` fast.
CANDIDATES = 300


def _ranked(
    reg: Reader, expression: str, limit: int, rank: str, before: int | None = None
) -> list[dict[str, Any]]:
    """Matches of `expression` best first by `rank`, among the latest CANDIDATES of them
    (with `before`: of those logged before that request id, i.e. earlier requests)."""
    upto = "" if before is None else f" AND rowid < {int(before)}"
    floor = reg.scalar(
        f"SELECT rowid FROM request_fts WHERE request_fts MATCH ?{upto} ORDER BY rowid DESC"
        " LIMIT 1 OFFSET ?",
        (expression, CANDIDATES),
    )
    window = upto.replace("rowid", "request_fts.rowid")
    if floor is not None:
        window += f" AND request_fts.rowid > {int(floor)}"
    return reg.query(
        f"SELECT {_COLUMNS}, {rank} AS score"
        " FROM request_fts JOIN requests r ON r.id = request_fts.rowid"
        f" WHERE request_fts MATCH ?{window} ORDER BY {rank} LIMIT ?",
        (expression, limit),
    )


def _same_requester(reg: Reader, row: dict[str, Any], words: list[str]) -> dict[int, float]:
    """The requester's other requests that share words with this one: {id: closeness}, the
    share of this request's content words (subject and questions) the other also holds. A
    person's requests are few, so they are all compared, whatever their age."""
    if row["requester_id"] is None or not words:
        return {}
    mine = set(words)
    out: dict[int, float] = {}
    for other in reg.query(
        "SELECT r.id, r.subject, group_concat(q.text, ' ') AS text FROM requests r"
        " LEFT JOIN questions q ON q.request_id = r.id"
        " WHERE r.requester_id = ? AND r.id != ? GROUP BY r.id",
        (row["requester_id"], row["id"]),
    ):
        theirs = set(_content_words(other["subject"], [other["text"] or ""]))
        theirs |= {_stem(w) for w in theirs}
        shared = sum(1 for w in mine if w in theirs or _stem(w) in theirs)
        if shared:
            out[int(other["id"])] = round(shared / len(mine), 2)
    return out


def _stem(word: str) -> str:
    """A crude plural/tense fold for comparing a person's requests ("reviews" ~ "review")."""
    for suffix in ("ies", "es", "s", "ed", "ing"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def similar(reg: Reader, reference: str, *, limit: int = 10) -> dict[str, Any]:
    """Earlier requests like this one, best first, and the reg 5 / s.14(2) warnings.

    Ranked by bm25 over subject and questions within each stage of `_stages` (closest first);
    `closeness` is the stage's weight times the score relative to the stage's best. The
    requester's own other requests are always considered, for the warnings."""
    row = get_request_row(reg, reference)
    questions = [
        q["text"]
        for q in reg.query(
            "SELECT text FROM questions WHERE request_id = ? ORDER BY number", (row["id"],)
        )
    ]
    w = SIMILAR_WEIGHTS
    rank = f"bm25(request_fts, {w[0]}, {w[1]}, {w[2]})"
    mine = _same_requester(reg, row, _content_words(row["subject"], questions))
    base = _log_base(reg)
    matches: list[dict[str, Any]] = []
    seen = {row["id"]}

    def keep(r: dict[str, Any], closeness: float) -> None:
        seen.add(r["id"])
        matches.append(
            _result(
                base,
                r,
                score=round(-r["score"], 3),
                closeness=closeness,
                same_requester=r["id"] in mine,
            )
        )

    if mine:
        placeholders = ",".join("?" * len(mine))
        for r in reg.query(
            f"SELECT {_COLUMNS}, 0.0 AS score FROM requests r WHERE r.id IN ({placeholders})",
            list(mine),
        ):
            keep(r, mine[r["id"]])
    for weight, expression in _stages(reg, row["subject"], questions):
        rows = _ranked(reg, expression, int(limit) * 3 + 1, rank, before=row["id"])
        best = min((r["score"] for r in rows), default=0.0)
        for r in rows:
            if r["id"] not in seen:
                keep(r, round(weight * (r["score"] / best if best else 0.0), 2))
        if len(matches) >= limit * 3:
            break
    matches.sort(key=lambda m: -m["closeness"])
    warnings = _warnings(reg, row, [m for m in matches if m["same_requester"]])
    matches = [m for m in matches if m["received"] <= row["received"] or m["same_requester"]]
    return {
        "reference": row["reference"],
        "similar": matches[:limit],
        "warnings": warnings,
    }


def _warnings(
    reg: Reader, row: dict[str, Any], matches: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Same requester, similar information: within 60 working days (reg 5 aggregation), or
    asked and answered before (s.14(2) repeated request)."""
    mine = [m for m in matches if m["same_requester"] and m["closeness"] >= 0.3]
    if not mine:
        return []
    cal = load_calendar(reg)
    received = dt.date.fromisoformat(row["received"])
    out: list[dict[str, Any]] = []
    for m in mine:
        other = dt.date.fromisoformat(m["received"])
        early, late = sorted((received, other))
        gap = working_days_between(early, late, cal)
        if gap <= AGGREGATION_WORKING_DAYS:
            out.append(
                {
                    "kind": "aggregation",
                    "reference": m["reference"],
                    "law": "Fees Regulations 2004 reg 5",
                    "message": (
                        f"the same requester asked for similar information in "
                        f"{m['reference']} ({m['received']}, {gap} working days apart): the "
                        "costs of both may be aggregated for the s.12 cost limit"
                    ),
                }
            )
        if other < received and m["status"] == "closed" and m["closeness"] >= 0.6:
            out.append(
                {
                    "kind": "repeat",
                    "reference": m["reference"],
                    "law": "FOIA s.14(2)",
                    "message": (
                        f"the same requester asked much the same in {m['reference']}, answered "
                        f"{m['responded']} ({m['outcome']}): a repeated request need not be "
                        "complied with unless a reasonable interval has passed"
                    ),
                }
            )
    return out
