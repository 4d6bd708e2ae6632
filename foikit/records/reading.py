"""Reading a register file into a header and rows of text cells: CSV or an Excel workbook.

- `.xlsx` (and `.xlsm`) through openpyxl: the first sheet, or `sheet=NAME`. Date cells become ISO
  dates (`2021-02-12`, or `2021-02-12 09:59` when they hold a time), whole numbers lose their
  `.0`.
- CSV is decoded strictly: UTF-8 with or without a byte-order mark, UTF-16 with one (Excel's
  "Unicode text", tab-separated), or the `encoding` the user declares. A file that does not
  decode is refused, naming the row and the byte, never guessed at: one stray byte read as
  Windows-1252 would turn every "Zoë" into "ZoÃ«" without a word.
- A row whose cell count differs from the header's (an unquoted comma, a lost cell) is a
  problem of that row, never read into the wrong columns.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from foikit.errors import ImportFailed

EXCEL_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class Table:
    """A file as text: its header, its rows (spreadsheet row number, cells) and the rows that
    cannot be read as the header says (row number -> why)."""

    source: str
    sha256: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    broken: dict[int, str] = field(default_factory=dict)
    encoding: str = "utf-8"


def read_table(path: str | Path, *, encoding: str | None = None, sheet: str | None = None) -> Table:
    """The file at `path` as a Table; ImportFailed with one clear reason when it cannot be read."""
    path = Path(path)
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() in EXCEL_SUFFIXES or data[:4] == b"PK\x03\x04":
        headers, rows = _read_workbook(data, sheet)
        enc = "xlsx"
    else:
        if sheet is not None:
            raise ImportFailed("--sheet is for Excel workbooks; this file is CSV")
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise ImportFailed(
                "this is an old Excel .xls workbook: open it in Excel and save it as .xlsx"
            )
        text, enc = decode(data, encoding)
        headers, rows = _read_csv(text)
    headers = [h.strip() for h in headers]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ImportFailed("the file is empty")
    table = Table(str(path), digest, headers, [], encoding=enc)
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            continue  # a blank row
        if len(cells) != len(headers):
            extra = cells[len(headers) :]
            if len(cells) > len(headers) and not any(c.strip() for c in extra) and enc == "xlsx":
                cells = cells[: len(headers)]  # a workbook's formatted but empty columns
            else:
                table.broken[number] = (
                    f"the row has {len(cells)} cells but the header {len(headers)}: "
                    "is a comma in a cell not quoted, or a cell missing?"
                )
        table.rows.append((number, cells))
    return table


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding used): the byte-order mark decides, else the declared encoding, else
    UTF-8; strictly, naming the row and byte of the first that does not decode."""
    if data.startswith(codecs.BOM_UTF8):
        chosen, body = "utf-8", data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        chosen, body = "utf-16", data
    elif encoding:
        try:
            chosen = codecs.lookup(encoding).name
        except LookupError:
            raise ImportFailed(f"unknown encoding {encoding!r} (try utf-8 or cp1252)") from None
        body = data
    else:
        chosen, body = "utf-8", data
    try:
        text = body.decode(chosen)
    except UnicodeDecodeError as e:
        row = body[: e.start].count(b"\n") + 1
        if chosen == "utf-16":
            row = body[: e.start].decode("utf-16", errors="replace").count("\n") + 1
        byte = body[e.start : e.start + 1].hex().upper()
        raise ImportFailed(
            f"row {row}: byte {e.start + (len(data) - len(body))} (0x{byte}) is not {chosen}: "
            "save the file as CSV UTF-8, or name its encoding with --encoding (e.g. cp1252)"
        ) from None
    if "\x00" in text:
        row = text[: text.index("\x00")].count("\n") + 1
        raise ImportFailed(f"row {row}: the file holds a NUL byte; is it really a text file?")
    return text.removeprefix("\ufeff"), chosen


def _read_csv(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        raise ImportFailed("the file is empty") from None
    except csv.Error as e:
        raise ImportFailed(f"row 1 cannot be read as CSV: {e}") from None
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            # The reader's line number is the physical line; a quoted cell may span lines.
            rows.append((len(rows) + 2, cells))
    except csv.Error as e:
        raise ImportFailed(f"row {len(rows) + 2} cannot be read as CSV: {e}") from None
    return headers, rows


def _read_workbook(data: bytes, sheet: str | None) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ImportFailed(f"this is not an Excel .xlsx workbook that can be read ({e})") from None
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise ImportFailed(
                f"the workbook has no sheet {sheet!r} (its sheets: {', '.join(book.sheetnames)})"
            )
        rows = [
            (number, [cell_text(v) for v in values])
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()
    if not rows:
        raise ImportFailed("the sheet is empty")
    return rows[0][1], rows[1:]


def cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV of it would hold, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
