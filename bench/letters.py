"""How much a letter costs, against the floor of unzipping and re-zipping its template.

    .venv/bin/python bench/letters.py [N]

Renders N letters (default 200) of the shipped response template from the sample context, and
measures in the same run:
- floor: open the template zip, read every member, write every member to a new zip;
- foikit: foikit.letters.render_docx with the template compiled once (the path letters take);
- docxtpl: docxtpl's own DocxTemplate.render + save on a fresh template each time, as a naive
  caller would (for comparison only).
Target (issue 5): a letter costs at most 1.5x the floor.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from foikit import letters  # noqa: E402
from foikit.letters.check import sample_context  # noqa: E402
from foikit.letters.docx import environment  # noqa: E402
from foikit.letters.folders import PACKAGE_TEMPLATES  # noqa: E402

TEMPLATE = PACKAGE_TEMPLATES / "response.docx"
TARGET = 1.5


def floor(out: Path) -> None:
    with zipfile.ZipFile(TEMPLATE) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info.filename))


def per_call(func: Callable[[int], None], n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        func(i)
    return (time.perf_counter() - start) / n


def report(label: str, runs: list[float]) -> float:
    best = min(runs)
    print(
        f"{label:<36} {best * 1000:8.2f} ms/letter"
        f"  (median of {len(runs)} runs {statistics.median(runs) * 1000:.2f})"
    )
    return best


def register_letters(n: int, tmp: Path) -> float:
    """render_letter from a real register: context from SQL, render, record in `letters`."""
    import os

    from foikit.register import Register
    from foikit.register.init import init_register

    sys.path.insert(0, str(ROOT / "tests"))
    from letters_support import june_2021

    tmp.mkdir(parents=True, exist_ok=True)
    os.environ["FOIKIT_RESPONSES"] = str(tmp / "responses")
    init_register(tmp / "register.db", load_facts=True, actor="bench")
    with Register(tmp / "register.db") as reg:
        ref = june_2021(reg)
        return per_call(
            lambda i: letters.render_letter(
                reg, ref, "response", template=TEMPLATE, today="2021-06-10", actor="bench"
            ),
            n,
        )


def main(argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 else 200
    rounds = 5
    context = sample_context("response")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        compiled = letters.load_template(TEMPLATE)
        parse = time.perf_counter() - start
        print(
            f"template: {TEMPLATE.name}, {len(compiled.members)} zip members, "
            f"{len(compiled.parts)} templated parts; parsed once in {parse * 1000:.1f} ms"
        )
        print(f"{n} letters a run, {rounds} runs of each, interleaved (best run counts):")

        def ours(i: int) -> None:
            letters.render_docx(letters.load_template(TEMPLATE), context, out / f"l{i % 8}.docx")

        def naive(i: int) -> None:
            from docxtpl import DocxTemplate

            doc = DocxTemplate(str(TEMPLATE))
            doc.render(context, environment(), autoescape=True)
            doc.save(str(out / f"d{i % 8}.docx"))

        floor_runs, our_runs = [], []
        for _ in range(rounds):
            floor_runs.append(per_call(lambda i: floor(out / f"f{i % 8}.docx"), n))
            our_runs.append(per_call(ours, n))
        base = report("floor: unzip + re-zip the template", floor_runs)
        mine = report("foikit render_docx (compiled once)", our_runs)
        docxtpl = report("docxtpl render + save, per letter", [per_call(naive, max(n // 4, 10))])
        full = report(
            "render_letter from a register", [register_letters(max(n // 4, 10), out / "reg")]
        )
        text = letters.letter_text(out / "l0.docx")
        assert "Question 1" in text and "Seven." in text, "the rendered letter reads back"
    ratio = mine / base
    print(
        f"foikit / floor  = {ratio:.2f}x"
        f"  (target <= {TARGET}x: {'met' if ratio <= TARGET else 'NOT met'})"
    )
    print(f"docxtpl / floor = {docxtpl / base:.2f}x;  docxtpl / foikit = {docxtpl / mine:.1f}x")
    print(f"register path / floor = {full / base:.2f}x (context from SQL, answers, audit row)")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
