"""A writer for the crash test: logs requests, stops clocks and renders letters in a loop,
printing each reference only once its transaction has committed. The test kills it at random."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from foikit.casework.lifecycle import add_request, clarify
from foikit.letters import render_letter
from foikit.register import Register

TEMPLATES = Path(__file__).resolve().parent.parent / "foikit" / "letters" / "templates"


def main(db: str) -> None:
    import docxtpl  # noqa: F401  (loaded before the loop, so the kills land on writes)

    with Register(db) as reg:
        n = 0
        while True:
            n += 1
            ref = add_request(
                reg,
                "crash.writer",
                received=dt.date(2024, 6, 3),
                subject=f"Crash test {n}",
                questions=["How many?"],
                requester_name="C. Rash",
                requester_email="c.rash@example.org",
                today=dt.date(2024, 7, 31),
            )
            print(f"request {ref}", flush=True)
            if n % 2 == 0:
                clarify(reg, "crash.writer", ref, sent="2024-06-05", today=dt.date(2024, 7, 31))
                print(f"clarify {ref}", flush=True)
            if n % 3 == 1:
                path = render_letter(
                    reg, ref, "acknowledgement", template_dir=TEMPLATES, actor="crash.writer"
                )
                print(f"letter {path}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
