"""Shared set-up for the request lifecycle tests: a real register, built once and copied.

`foikit init` with the reference data and the UK bank holidays takes a fifth of a second; the
lifecycle tests need a fresh register each, so one is built per test process and its file is
copied into each test's tmp_path (a real register all the same, never a mock).
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

from foikit.register import Register

TODAY = dt.date(2024, 7, 31)
OFFICER = "j.officer"
REQUESTER = {
    "requester_name": "A. Requester",
    "requester_email": "a.requester@example.org",
}


@functools.cache
def _template() -> Path:
    from foikit.register.init import init_register

    folder = tempfile.mkdtemp(prefix="foikit-lifecycle-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = Path(folder) / "template.db"
    init_register(path, load_facts=True, actor="test.setup")
    return path


def fresh_register(db_path: Path) -> Register:
    """An initialised register (reference data, settings, bank holidays) at `db_path`."""
    shutil.copyfile(_template(), db_path)
    return Register(db_path)


def add(reg: Any, **kw: Any) -> str:
    """A valid request received on 3 June 2024 (a Monday), with two questions."""
    from foikit.casework.lifecycle import add_request

    actor = kw.pop("actor", OFFICER)
    args: dict[str, Any] = {
        "received": dt.date(2024, 6, 3),
        "subject": "Domestic Homicide Reviews",
        "questions": ["How many?", "Which ones?"],
        "handler": OFFICER,
        "today": TODAY,
        **REQUESTER,
    }
    args.update(kw)
    return add_request(reg, actor, **args)


def answered_and_closed(reg: Any, responded: dt.date = dt.date(2024, 6, 20), **kw: Any) -> str:
    """A request answered in full and closed (granted in full)."""
    from foikit.casework.lifecycle import answer_question, close_request

    ref = add(reg, **kw)
    answer_question(reg, OFFICER, ref, 1, text="Seven.")
    answer_question(reg, OFFICER, ref, 2, text="All of them.")
    close_request(reg, OFFICER, ref, responded=responded, outcome="granted-in-full", today=TODAY)
    return ref


def snapshot(reg: Any) -> dict[str, int]:
    """Row counts of every table a lifecycle change could write, to prove nothing was."""
    tables = [
        "audit",
        "requesters",
        "requests",
        "questions",
        "answers",
        "answer_exemptions",
        "clock_events",
        "reviews",
        "ico_cases",
    ]
    counts = {t: reg.scalar(f"SELECT COUNT(*) FROM [{t}]") for t in tables}
    counts["max_version"] = reg.scalar("SELECT COALESCE(SUM(version), 0) FROM requests")
    return counts


def plant_answer(reg: Register, reference: str, number: int, text: str) -> None:
    """Write an answer's text straight into the register, past every check: an answer saved by
    an older foikit, or one that got past the entry check. Rendering must still hold."""
    with reg.conn:
        reg.conn.execute(
            "UPDATE answers SET text = ? WHERE question_id = (SELECT q.id FROM questions q"
            " JOIN requests r ON r.id = q.request_id WHERE r.reference = ? AND q.number = ?)",
            (text, reference, number),
        )
