"""The response letter as a PDF on each request's public page (`foikit publish --letter-pdfs`).

For every request in the log, the letter it was sent (the response, or the refusal notice when
every question was refused under s.12 or s.14) is rendered as its `--published` copy: the
letter context goes through `release_letter_context`, so through `release()` in
foikit.publishing.public, the one public path (no requester, every text redacted). All of them
are converted with one LibreOffice run to tagged PDFs (`UseTaggedPDF`, no notes pages), the
metadata LibreOffice copies in is replaced by a plain title, and each PDF is verified before it
is published: none of the requester's details, nor any of the request's redaction phrases, may
be read in its text, metadata or decompressed bytes (the requester's details are looked up in
the register for this check only). A letter that fails is left out, with a warning.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from foikit.errors import FoikitError

if TYPE_CHECKING:
    from foikit.register.core import Register

TITLE = "The response letter"


@dataclass
class LetterPdf:
    reference: str
    data: bytes


@dataclass
class LetterPdfs:
    pdfs: list[LetterPdf] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _render(reg: Register, reference: str, folder: Path, today: dt.date | None) -> Path:
    """The `--published` letter of this request as a .docx in `folder` (through release())."""
    from foikit import letters
    from foikit.casework.lifecycle import show_request
    from foikit.publishing.build import letter_kind

    kind = letter_kind(show_request(reg, reference, today=today))
    context = letters.build_context(reg, reference, kind, published=True)
    template = letters.load_template(letters.template_path(kind))
    return Path(letters.render_docx(template, context, folder / f"{reference}.docx"))


def letter_pdfs(
    reg: Register, references: Iterable[str], today: dt.date | None = None
) -> LetterPdfs:
    """Tagged, verified PDFs of the published letters of these requests."""
    from foikit.documents.office_pdf import WRITER_PDF, convert, finish_pdf
    from foikit.documents.phrases import phrases_for

    done = LetterPdfs()
    with tempfile.TemporaryDirectory(prefix="foikit-letter-pdf-") as tmp:
        folder = Path(tmp)
        rendered: dict[str, Path] = {}
        for reference in references:
            try:
                rendered[reference] = _render(reg, reference, folder, today)
            except FoikitError as e:
                done.warnings.append(f"{reference}: no letter PDF ({e})")
        if not rendered:
            return done
        try:
            pdfs = convert(list(rendered.values()), folder / "pdf", WRITER_PDF)
        except FoikitError as e:
            done.warnings.append(f"no letter PDFs: {e}")
            return done
        for (reference, _), pdf in zip(rendered.items(), pdfs, strict=True):
            rid = reg.scalar("SELECT id FROM requests WHERE reference = ?", (reference,))
            try:
                data = finish_pdf(pdf.read_bytes(), phrases_for(reg, rid), f"{TITLE}, {reference}")
            except FoikitError as e:
                done.warnings.append(f"{reference}: letter PDF not published ({e})")
                continue
            done.pdfs.append(LetterPdf(reference, data))
    return done
