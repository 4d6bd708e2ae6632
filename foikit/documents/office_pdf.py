"""PDFs made with LibreOffice: beside a redacted Office file, and the published response letter.

`office_pdf(kind, data, phrases)` converts a REDACTED DOCX, XLSX or CSV (a CSV is first written
as a one-sheet workbook with openpyxl, so its encoding is never guessed) with one headless
LibreOffice run to a tagged PDF (`UseTaggedPDF`; notes and notes pages not exported), and
`finish_pdf` makes it fit to publish: the metadata LibreOffice copies in (author, title...) is
replaced by a plain title, the XMP removed, and the result verified like any redacted PDF
(`foikit.documents.pdf.verify_pdf`: no phrase in the extracted text, the metadata or attached
files) and in its decompressed bytes. A PDF that fails is not kept.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from foikit.documents.phrases import DocumentError, normalised

_OPTIONS = (
    '{"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"ExportNotes":{"type":"boolean","value":"false"},'
    '"ExportNotesPages":{"type":"boolean","value":"false"},'
    '"ExportBookmarks":{"type":"boolean","value":"true"},'
    '"UseLosslessCompression":{"type":"boolean","value":"true"}}'
)
WRITER_PDF = f"pdf:writer_pdf_Export:{_OPTIONS}"
CALC_PDF = f"pdf:calc_pdf_Export:{_OPTIONS}"


def csv_as_xlsx(data: bytes) -> bytes:
    """A UTF-8 CSV as a one-sheet workbook (LibreOffice then need not guess its encoding)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def fit_columns(data: bytes) -> bytes:
    """The workbook with each column as wide as its longest text (for the PDF only: a cell
    clipped at the column edge would print half a figure)."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        widths: dict[int, int] = {}
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None and cell.column is not None:
                    longest = max(len(line) for line in str(cell.value).splitlines() or [""])
                    widths[cell.column] = max(widths.get(cell.column, 0), longest)
        for column, width in widths.items():
            sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, 100)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def convert(sources: Sequence[Path], outdir: Path, export: str) -> list[Path]:
    """One LibreOffice run over these files (foikit.letters.pdf: a private profile each run)."""
    from foikit.letters.pdf import convert_letters

    return convert_letters(sources, outdir, fmt=export)


def _open(pdf: bytes) -> Any:
    """A PyMuPDF document (PyMuPDF is untyped: the module is taken as Any)."""
    import pymupdf

    module: Any = pymupdf
    return module.open(stream=pdf, filetype="pdf")


def is_tagged(pdf: bytes, *, tree: bool = True) -> bool:
    """A tagged PDF: MarkInfo says Marked and (unless `tree` is False: LibreOffice 7.4's Calc
    marks its PDFs but writes no structure tree) the catalogue has a structure tree."""
    doc = _open(pdf)
    try:
        catalog = doc.pdf_catalog()
        root = doc.xref_get_key(catalog, "StructTreeRoot")
        marked = doc.xref_get_key(catalog, "MarkInfo/Marked")
        return (root[0] != "null" or not tree) and marked[1] == "true"
    finally:
        doc.close()


def inflated(pdf: bytes) -> bytes:
    """The PDF with every stream decompressed (what a determined reader would search)."""
    doc = _open(pdf)
    try:
        return bytes(doc.tobytes(expand=255))
    finally:
        doc.close()


def finish_pdf(pdf: bytes, phrases: Sequence[str], title: str) -> bytes:
    """Metadata replaced by a plain title, XMP removed, then verified; DocumentError if any
    phrase can still be read in its text, metadata or decompressed bytes."""
    from foikit.documents.pdf import verify_pdf

    doc = _open(pdf)
    try:
        doc.set_metadata({})  # everything LibreOffice copied in, then a plain title
        doc.set_metadata({"title": title, "producer": "foikit", "creator": "foikit"})
        doc.xref_set_key(doc.pdf_catalog(), "Lang", "(en-GB)")
        doc.del_xml_metadata()
        for name in list(doc.embfile_names()):
            doc.embfile_del(name)
        out = bytes(doc.tobytes(garbage=3, deflate=True))
    finally:
        doc.close()
    verify_pdf(out, phrases)
    raw = normalised(inflated(out).decode("latin-1"))
    left = [p for p in phrases if normalised(p) in raw]
    if left:
        raise DocumentError(f"{len(left)} redacted phrase(s) can be found in the PDF's bytes")
    return out


def office_pdf(kind: str, data: bytes, phrases: Sequence[str], title: str) -> bytes:
    """The tagged, verified PDF of a redacted DOCX, XLSX or CSV; DocumentError or
    ConversionError (LibreOffice missing or failing) when it cannot be made."""
    if kind == "csv":
        data, kind = csv_as_xlsx(data), "xlsx"
    if kind == "xlsx":
        data = fit_columns(data)
    export = WRITER_PDF if kind == "docx" else CALC_PDF
    with tempfile.TemporaryDirectory(prefix="foikit-office-pdf-") as tmp:
        source = Path(tmp) / f"document.{kind}"
        source.write_bytes(data)
        [pdf] = convert([source], Path(tmp) / "out", export)
        return finish_pdf(pdf.read_bytes(), phrases, title)


def pdf_or_reason(kind: str, data: bytes, phrases: Sequence[str], title: str) -> Any:
    """(pdf bytes, None) or (None, why not): the Office copy is published either way."""
    from foikit.errors import FoikitError

    try:
        return office_pdf(kind, data, phrases, title), None
    except FoikitError as e:
        return None, str(e)
