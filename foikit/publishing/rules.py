"""An officer's redaction rules for one request: `foikit request redact REF PHRASE`.

A `redact` rule names a phrase every public output of the request must hide (a constable named
in a question and withheld under s.40(2), a street the scan cannot know); a `keep` rule approves
a titled name the scan held back as doubtful ("Chief Constable Craig Guildford" is public).
Rules are written through the register's transaction, so each change is in the audit trail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from foikit.errors import FoikitError

if TYPE_CHECKING:
    from foikit.register.core import Register


ACTIONS = ("redact", "keep")
MIN_PHRASE = 2
MAX_PHRASE = 200


class BadRedactionRule(FoikitError):
    """A phrase that cannot be a rule: empty, too short or too long, or not found to remove."""


def _phrase(phrase: str) -> str:
    cleaned = " ".join((phrase or "").split())
    if len(cleaned) < MIN_PHRASE:
        raise BadRedactionRule(
            f"a redaction phrase needs at least {MIN_PHRASE} characters, not {phrase!r}"
        )
    if len(cleaned) > MAX_PHRASE:
        raise BadRedactionRule(f"a redaction phrase is at most {MAX_PHRASE} characters")
    if cleaned.lower() == "[redacted]":
        raise BadRedactionRule("[redacted] is what a redaction leaves, not something to redact")
    return cleaned


def _action(action: str) -> str:
    if action not in ACTIONS:
        raise BadRedactionRule(f"a rule is one of {', '.join(ACTIONS)}, not {action!r}")
    return action


def list_rules(reg: Register, reference: str) -> list[dict[str, Any]]:
    """The rules of one request, oldest first: {id, phrase, action, created_by, created_at}."""
    from foikit.casework.common import request_id
    from foikit.publishing.redact import rule_rows

    return rule_rows(reg, request_id(reg, reference))


def add_rule(
    reg: Register,
    actor: str,
    reference: str,
    phrase: str,
    *,
    action: str = "redact",
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Add a rule (a no-op when the same rule exists); returns it."""
    from foikit.casework.change import changing

    cleaned, action = _phrase(phrase), _action(action)
    with changing(reg, actor, reference, expected_version=expected_version) as change:
        # The request's version is bumped: its public outputs change with its rules.
        change.set(action="redaction rules")
        tx, rid = change.tx, change.id
        found = tx.execute(
            "SELECT id FROM redaction_rules WHERE request_id = ? AND phrase = ? AND action = ?",
            (rid, cleaned, action),
        ).fetchone()
        if found is None:
            rule_id = tx.insert(
                "redaction_rules",
                {
                    "request_id": rid,
                    "phrase": cleaned,
                    "action": action,
                    "created_by": actor,
                    "created_at": tx.at,
                },
                request_id=rid,
                action="redaction rule added",
            )
        else:
            rule_id = found[0]
    return {"id": rule_id, "phrase": cleaned, "action": action}


def remove_rule(
    reg: Register, actor: str, reference: str, phrase: str, *, expected_version: int | None = None
) -> int:
    """Remove every rule of the request with this phrase; returns how many went. Refused when
    there is none, so a typo is not mistaken for a removal."""
    from foikit.casework.change import changing

    cleaned = " ".join((phrase or "").split())
    with changing(reg, actor, reference, expected_version=expected_version) as change:
        change.set(action="redaction rules")
        tx, rid = change.tx, change.id
        ids = [
            r[0]
            for r in tx.execute(
                "SELECT id FROM redaction_rules WHERE request_id = ? AND lower(phrase) = lower(?)",
                (rid, cleaned),
            ).fetchall()
        ]
        if not ids:
            raise BadRedactionRule(f"{reference} has no redaction rule {cleaned!r}")
        for rule_id in ids:
            tx.delete("redaction_rules", rule_id, request_id=rid, action="redaction rule removed")
    return len(ids)
