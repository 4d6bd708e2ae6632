"""DOCX, XLSX and CSV redaction.

- DOCX (python-docx): every paragraph of the body, tables (nested too), headers and footers is
  searched as a whole (a phrase split over runs is still found); a paragraph with a hit is
  rewritten as one run. Comments are removed (the part and the marks in the text), deleted text
  kept by tracked changes is dropped, and the core properties are cleared.
- XLSX (openpyxl): every text cell of every sheet, hidden ones included; cell comments, headers
  and footers and the document properties are cleared.
- CSV: the text.

Then the result is verified: the text of every XML part of the file (the tags removed, so a
phrase split over runs joins up again) is searched, and a copy in which any phrase can still be
read is refused.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any

from foikit.documents.pdf import Redacted
from foikit.documents.phrases import DocumentError, redact_text, still_there

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraphs(container: Any) -> Any:
    yield from container.paragraphs
    for table in container.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from _paragraphs(cell)


def _docx_containers(doc: Any) -> Any:
    yield doc
    for section in doc.sections:
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
            section.even_page_header,
            section.even_page_footer,
        ):
            if not part.is_linked_to_previous:
                yield part


def redact_docx(data: bytes, phrases: Sequence[str]) -> Redacted:
    import docx

    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises several kinds for a broken file
        raise DocumentError(f"the file is not a Word document that can be read: {e}") from None
    # Tracked deletions keep the deleted words in the file; comments are marks plus a part.
    for tag in ("del", "commentRangeStart", "commentRangeEnd", "commentReference"):
        for el in list(doc.element.iter(f"{W}{tag}")):
            el.getparent().remove(el)
    for rel in list(doc.part.rels.values()):
        if rel.reltype.rsplit("/", 1)[-1] in (
            "comments",
            "commentsExtended",
            "commentsIds",
            "commentsExtensible",
            "people",
        ):
            doc.part.drop_rel(rel.rId)
    count = 0
    # The paragraph elements themselves, held: an id() of an lxml proxy can be reused once the
    # proxy is freed, which skipped a paragraph now and then (the copy was then refused).
    seen: set[Any] = set()
    for container in _docx_containers(doc):
        for paragraph in _paragraphs(container):
            if paragraph._p in seen:
                continue
            seen.add(paragraph._p)
            new, n = redact_text(paragraph.text, phrases)
            if n:
                count += n
                runs = paragraph.runs
                for run in runs[1:]:
                    run._r.getparent().remove(run._r)
                if runs:
                    runs[0].text = new
                else:
                    paragraph.add_run(new)
    props = doc.core_properties
    for name in (
        "author",
        "title",
        "subject",
        "keywords",
        "comments",
        "last_modified_by",
        "category",
        "content_status",
        "identifier",
        "language",
        "version",
    ):
        setattr(props, name, "")
    out = io.BytesIO()
    doc.save(out)
    data = _drop_parts(out.getvalue(), ("docProps/custom.xml",))
    verify_zip(data, phrases)
    return Redacted(data, count)


def _xlsx_name(text: str, phrases: Sequence[str], taken: set[str]) -> str:
    """A sheet name with the phrases redacted: no brackets (not allowed in sheet names), at
    most 31 characters, unique in the workbook."""
    new = redact_text(text, phrases)[0].replace("[", "").replace("]", "")[:31] or "Sheet"
    name, n = new, 1
    while name.casefold() in taken:
        n += 1
        name = f"{new[: 31 - len(str(n)) - 1]} {n}"
    return name


def _identifier(text: str, phrases: Sequence[str]) -> str:
    """A defined name or table name with the phrases redacted (letters, digits, _ only)."""
    new = redact_text(text, phrases)[0].replace("[redacted]", "redacted")
    return re.sub(r"[^\w.]", "_", new)


def _redact_str(value: Any, phrases: Sequence[str]) -> tuple[Any, int]:
    if isinstance(value, str):
        return redact_text(value, phrases)
    return value, 0


def _rename_sheets(book: Any, phrases: Sequence[str]) -> dict[str, str]:
    """Sheet names (hidden sheets too) with the phrases redacted; formulas, defined names and
    print titles that name a renamed sheet follow it. Returns {old: new}."""
    renamed: dict[str, str] = {}
    taken = {s.title.casefold() for s in book.worksheets + book.chartsheets}
    for sheet in book.worksheets + book.chartsheets:
        if redact_text(sheet.title, phrases)[1]:
            taken.discard(sheet.title.casefold())
            new = _xlsx_name(sheet.title, phrases, taken)
            taken.add(new.casefold())
            renamed[sheet.title] = new
            sheet.title = new
    return renamed


def _follow_renames(text: str, renamed: dict[str, str]) -> str:
    for old, new in renamed.items():
        text = text.replace(f"'{old}'!", f"'{new}'!").replace(f"{old}!", f"'{new}'!")
    return text


def _xlsx_names(book: Any, phrases: Sequence[str], renamed: dict[str, str]) -> int:
    """Defined names (workbook and sheet scope): the name and what it refers to."""
    count = 0
    scopes = [book.defined_names] + [s.defined_names for s in book.worksheets]
    for names in scopes:
        for key in list(names.keys()):
            dn = names[key]
            value = _follow_renames(dn.attr_text or "", renamed)
            value, n = redact_text(value, phrases)
            dn.attr_text = value
            for attr in ("comment", "description", "help", "statusBar", "customMenu"):
                text, m = _redact_str(getattr(dn, attr, None), phrases)
                setattr(dn, attr, text)
                n += m
            if redact_text(dn.name, phrases)[1]:
                del names[key]
                dn.name = _identifier(dn.name, phrases)
                names[dn.name] = dn
                n += 1
            count += n
    return count


def _xlsx_sheet_extras(sheet: Any, phrases: Sequence[str], renamed: dict[str, str]) -> int:
    """Data validation prompts, errors and lists; tables; hyperlinks; print titles."""
    count = 0
    for dv in sheet.data_validations.dataValidation:
        for attr in ("prompt", "promptTitle", "error", "errorTitle", "formula1", "formula2"):
            value = getattr(dv, attr, None)
            if isinstance(value, str):
                value, n = redact_text(_follow_renames(value, renamed), phrases)
                setattr(dv, attr, value)
                count += n
    for table in list(sheet.tables.values()):
        for attr in ("name", "displayName"):
            value = getattr(table, attr)
            if value and redact_text(value, phrases)[1]:
                setattr(table, attr, _identifier(value, phrases))
                count += 1
        for column in table.tableColumns:
            column.name, n = redact_text(column.name or "", phrases)
            count += n
    for row in sheet.iter_rows():
        for cell in row:
            link = cell.hyperlink
            if link is None:
                continue
            said = (link.target, link.location, link.tooltip, link.display)
            if redact_text(" ".join(str(v) for v in said if v), phrases)[1]:
                cell.hyperlink = None
                count += 1
    return count


def redact_xlsx(data: bytes, phrases: Sequence[str]) -> Redacted:
    import openpyxl
    from openpyxl.packaging.core import DocumentProperties

    try:
        book = openpyxl.load_workbook(io.BytesIO(data))
    except Exception as e:  # openpyxl raises several kinds for a broken file
        raise DocumentError(f"the file is not a spreadsheet that can be read: {e}") from None
    renamed = _rename_sheets(book, phrases)
    count = len(renamed) + _xlsx_names(book, phrases, renamed)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                cell.comment = None
                if isinstance(cell.value, str):
                    value = cell.value
                    if value.startswith("=") and renamed:
                        value = _follow_renames(value, renamed)
                    new, n = redact_text(value, phrases)
                    if n or new != cell.value:
                        cell.value = new
                        count += n
        count += _xlsx_sheet_extras(sheet, phrases, renamed)
        for hf in (
            sheet.oddHeader,
            sheet.oddFooter,
            sheet.evenHeader,
            sheet.evenFooter,
            sheet.firstHeader,
            sheet.firstFooter,
        ):
            assert hf is not None  # openpyxl makes every header and footer of a sheet
            for part in (hf.left, hf.center, hf.right):
                part.text = None
    book.properties = DocumentProperties(creator="", lastModifiedBy="")
    book.custom_doc_props.props.clear()  # type: ignore[attr-defined]  # not in types-openpyxl
    out = io.BytesIO()
    book.save(out)
    verify_zip(out.getvalue(), phrases)
    return Redacted(out.getvalue(), count)


def redact_csv(data: bytes, phrases: Sequence[str]) -> Redacted:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError("the CSV file is not UTF-8 text: save it as CSV UTF-8") from None
    new, count = redact_text(text, phrases)
    left = still_there(new, phrases)
    if left:
        raise DocumentError(f"{len(left)} redacted phrase(s) can still be read: not kept")
    return Redacted(new.encode("utf-8"), count)


def _drop_parts(data: bytes, names: Sequence[str]) -> bytes:
    """The package without the named parts (and their entries in the manifest and rels)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    if not any(n in src.namelist() for n in names):
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename in names:
                continue
            content = src.read(item.filename)
            if item.filename in ("[Content_Types].xml", "_rels/.rels"):
                text = content.decode("utf-8")
                for name in names:
                    text = re.sub(rf"<[^>]*{re.escape(name)}[^>]*/>", "", text)
                content = text.encode("utf-8")
            dst.writestr(item, content)
    return out.getvalue()


def zip_text(data: bytes) -> str:
    """The text of every XML part of an Office file, tags removed, and every attribute value."""
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels", ".vml")):
                xml = z.read(name).decode("utf-8", "replace")
                parts.append(html.unescape(re.sub(r"<[^>]+>", "", xml)))
                # Attribute values carry text too: sheet names, link targets, list values.
                parts += [html.unescape(v) for v in re.findall(r'="([^"]*)"', xml)]
    return "\n".join(parts)


def verify_zip(data: bytes, phrases: Sequence[str]) -> None:
    left = still_there(zip_text(data), phrases)
    if left:
        raise DocumentError(
            f"{len(left)} redacted phrase(s) can still be read in the redacted file (in a "
            "text box, chart, tracked change or property foikit does not rewrite): the copy "
            "was not kept; redact it by hand or keep it with --no-publish"
        )
