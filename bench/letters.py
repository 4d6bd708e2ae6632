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

TEMPLATE = ROOT / "templates" / "response.docx"
TARGET = 1.5


def floor(out: Path) -> None:
    with zipfile.ZipFile(TEMPLATE) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info.filename))


def timed(label: str, func: Callable[[int], None], n: int, repeats: int = 3) -> float:
    """Best of `repeats` runs of n calls: the seconds one call takes."""
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(n):
            func(i)
        runs.append((time.perf_counter() - start) / n)
    best = min(runs)
    print(
        f"{label:<34} {best * 1000:8.2f} ms/letter  (median run {statistics.median(runs) * 1000:.2f})"
    )
    return best


def main(argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 else 200
    context = letters.sample_context("response")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        compiled = letters.load_template(TEMPLATE)
        parse = time.perf_counter() - start
        print(
            f"template: {TEMPLATE.name}, {len(compiled.members)} zip members, "
            f"{len(compiled.parts)} templated parts; parsed once in {parse * 1000:.1f} ms"
        )
        print(f"{n} letters each:")
        base = timed("floor (unzip + re-zip template)", lambda i: floor(out / f"f{i % 8}.docx"), n)
        ours = timed(
            "foikit render_docx (compiled once)",
            lambda i: letters.render_docx(
                letters.load_template(TEMPLATE), context, out / f"l{i % 8}.docx"
            ),
            n,
        )

        def naive(i: int) -> None:
            from docxtpl import DocxTemplate

            doc = DocxTemplate(str(TEMPLATE))
            doc.render(context, letters.environment(), autoescape=True)
            doc.save(str(out / f"d{i % 8}.docx"))

        docxtpl = timed("docxtpl render + save (per letter)", naive, max(n // 4, 10), repeats=1)
        text = letters.letter_text(out / "l0.docx")
        assert "Question 1" in text and "Seven." in text, "the rendered letter reads back"
    ratio = ours / base
    print(
        f"foikit / floor  = {ratio:.2f}x  (target <= {TARGET}x: {'met' if ratio <= TARGET else 'NOT met'})"
    )
    print(f"docxtpl / floor = {docxtpl / base:.2f}x;  docxtpl / foikit = {docxtpl / ours:.1f}x")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
