"""What true redaction costs, against merely opening and saving the same PDF.

    .venv/bin/python bench/documents.py [PAGES] [PHRASES]

Makes a PDF of PAGES pages (default 100), each with 40 lines of text in which PHRASES phrases
(default 20: names, phone numbers, addresses) each appear on every page, then measures in the
same run:
- floor: open it with PyMuPDF and save it (garbage collected, compressed), as the redaction does;
- foikit: foikit.documents.pdf.redact_pdf with the PHRASES phrases: search every page for every
  phrase, redact, scrub, save, and read the result back to verify it.
Target (issue 18): a 100-page PDF with 20 phrases is redacted in under 10 seconds.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pymupdf  # noqa: E402

from foikit.documents.pdf import pdf_text, redact_pdf  # noqa: E402

TARGET_S = 10.0


def phrases(n: int) -> list[str]:
    return [f"Person{i:02d} Surname{i:02d}" if i % 2 else f"0121 496 {i:04d}" for i in range(n)]


def make_pdf(pages: int, words: list[str]) -> bytes:
    doc = pymupdf.open()
    for p in range(pages):
        page = doc.new_page()
        for line in range(40):
            phrase = words[(p + line) % len(words)] if line % 2 == 0 else ""
            text = f"Line {line} of page {p + 1}: figure {p * 40 + line} {phrase}"
            page.insert_text((40, 40 + 19 * line), text, fontsize=9)
    doc.set_metadata({"author": words[1]})
    return doc.tobytes(garbage=4, deflate=True)


def floor(data: bytes) -> bytes:
    doc = pymupdf.open(stream=data, filetype="pdf")
    out = doc.tobytes(garbage=4, deflate=True, clean=True)
    doc.close()
    return out


def timed(func, *args, runs: int = 3) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func(*args)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    words = phrases(count)
    data = make_pdf(pages, words)
    base = timed(floor, data)
    start = time.perf_counter()
    result = redact_pdf(data, words)  # once: it is the slow side
    ours = [time.perf_counter() - start]
    left = [w for w in words if w in pdf_text(result.data)]
    b, o = min(base), min(ours)
    print(f"PDF of {pages} pages, {len(data) // 1024} KB, {count} phrases")
    print(f"  open and save (floor): best {b:.3f} s, median {statistics.median(base):.3f} s")
    print(f"  redact + verify:       best {o:.3f} s, median {statistics.median(ours):.3f} s")
    print(f"  ratio {o / b:.1f}x the floor; {result.redactions} places redacted; {len(left)} left")
    print(f"  target: under {TARGET_S:.0f} s -> {'met' if o < TARGET_S and not left else 'MISSED'}")


if __name__ == "__main__":
    main()
