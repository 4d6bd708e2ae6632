"""True PDF redaction with PyMuPDF.

For each page and each phrase, `search_for` finds every place the words are drawn;
`add_redact_annot` marks them and `apply_redactions` removes the text, and the image pixels
and vector graphics under the boxes, from the page's content, so nothing is left to copy from
under a black box. Then `Document.scrub` strips what a page does not show: metadata (author,
title...), XMP, embedded and attached files, annotations and form fields, links, JavaScript,
hidden text and thumbnails. The file is saved with unused objects collected (garbage=4), so
the old content streams are not kept in the file either.

The result is verified before it is kept: it is opened again, the text of every page is
extracted, and its metadata read; if any phrase can still be read the copy is refused. A page
that shows an image and has no text layer (a scan) cannot be searched, so such a PDF is refused
for publishing with that reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from foikit.documents.phrases import DocumentError, still_there


@dataclass
class Redacted:
    data: bytes  # the redacted file
    redactions: int  # places redacted


def _open(data: bytes) -> Any:
    import pymupdf

    try:
        doc = pymupdf.open(stream=data, filetype="pdf")  # type: ignore[no-untyped-call]
    except Exception as e:  # PyMuPDF raises its own FileDataError and friends
        raise DocumentError(f"the file is not a PDF that can be read: {e}") from None
    if doc.needs_pass or doc.is_encrypted:
        doc.close()  # type: ignore[no-untyped-call]
        raise DocumentError("the PDF is encrypted: foikit cannot redact it; remove the password")
    return doc


def scanned_pages(doc: Any) -> list[int]:
    """Pages (from 1) that show an image but have no text to search: scans."""
    found = []
    for page in doc:
        if not page.get_text().strip() and page.get_images(full=False):
            found.append(page.number + 1)
    return found


def redact_pdf(data: bytes, phrases: Sequence[str]) -> Redacted:
    """The redacted copy of a PDF, verified; DocumentError when it cannot be made safely."""
    doc = _open(data)
    try:
        scans = scanned_pages(doc)
        if scans:
            pages = ", ".join(str(n) for n in scans[:10])
            raise DocumentError(
                f"page(s) {pages} are scanned images with no text layer: foikit cannot find "
                "the words to redact in a picture, so this PDF cannot be published; redact it "
                "by hand and attach a text PDF, or keep it with --no-publish"
            )
        count = 0
        for page in doc:
            # Notes, comments, form fields: what a page shows on top of its content goes.
            for annot in list(page.annots()):
                page.delete_annot(annot)
            for widget in list(page.widgets()):
                page.delete_widget(widget)
            textpage = page.get_textpage()  # extracted once, searched for every phrase
            hits = 0
            for phrase in phrases:
                for rect in page.search_for(phrase, textpage=textpage):
                    page.add_redact_annot(rect, fill=(0, 0, 0))
                    hits += 1
            if hits:
                # Text, the image pixels and the drawings under each box are removed.
                page.apply_redactions()
            count += hits
        doc.scrub()
        doc.set_metadata({})
        doc.del_xml_metadata()
        out = doc.tobytes(garbage=4, deflate=True, clean=True)
    finally:
        doc.close()
    verify_pdf(out, phrases)
    return Redacted(out, count)


def pdf_text(data: bytes) -> str:
    """Every page's text, and the metadata, XMP and embedded file names, as one string."""
    doc = _open(data)
    try:
        parts = [page.get_text() for page in doc]
        parts += [str(v) for v in (doc.metadata or {}).values() if v]
        parts.append(doc.get_xml_metadata() or "")
        parts += list(doc.embfile_names())
        for page in doc:
            parts += [a.info.get("content", "") for a in page.annots()]
    finally:
        doc.close()
    return "\n".join(parts)


def verify_pdf(data: bytes, phrases: Sequence[str]) -> None:
    """Refuse a copy in which any phrase can still be read: text, metadata or attachments."""
    import pymupdf

    doc = pymupdf.open(stream=data, filetype="pdf")  # type: ignore[no-untyped-call]
    try:
        if doc.embfile_count():
            raise DocumentError("the redacted PDF still holds embedded files: not kept")
    finally:
        doc.close()  # type: ignore[no-untyped-call]
    left = still_there(pdf_text(data), phrases)
    if left:
        raise DocumentError(
            f"{len(left)} redacted phrase(s) can still be read in the redacted PDF (split "
            "across lines, or drawn in a way foikit cannot find): the copy was not kept; "
            "redact it by hand or keep it with --no-publish"
        )
