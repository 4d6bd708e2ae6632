"""Three registers in the shapes real ones take, built in the test (issue 20).

1. An authority's own Excel register (.xlsx): its own headers, date cells (one with a time),
   outcomes in words, a request-level Exemptions column, an unmapped Status column.
2. A police-style published log, saved by Excel as "Unicode text" (UTF-16, tab-separated):
   references like `4/19` and `FOI/21/045`, date-times, no requester (published logs have none),
   exemptions as people write them.
3. The MoJ case tool's CSV: Number, Case type, Date received, Date responded, Name, Requester
   type, Email, Message, Outcome, Exemptions, Appeal outcome.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook

TODAY = dt.date(2024, 5, 1)

AUTHORITY_HEADERS = [
    "Ref", "Date Received", "Request Title", "Requester", "Email", "Address",
    "Date Responded", "Outcome", "Exemptions", "Handled by", "Status",
]  # fmt: skip
AUTHORITY_ROWS = [
    # A 2019 case with an email that would not pass today's check: kept and flagged.
    ["OPCC 101", dt.datetime(2019, 3, 4), "Police staff overtime", "Bob Jones", "bob at example",
     None, dt.datetime(2019, 3, 28), "Granted in full", None, "A Officer", "Closed"],
    ["OPCC 102", dt.datetime(2019, 5, 7, 9, 59), "Names of staff", "Cat Smith",
     "cat@example.org", None, dt.datetime(2019, 6, 3), "Refused in part",
     "S40(2), S31(1)(a)", "A Officer", "Closed"],
    # A name with a postal address only.
    ["OPCC 103", dt.datetime(2020, 1, 6), "Drones", "Dan Brown", None, "1 High St\nBirmingham",
     dt.datetime(2020, 1, 30), "Information not held", None, "B Officer", "Closed"],
    # Withheld with no exemption written down: a warning, not a refusal.
    ["OPCC 104", dt.datetime(2020, 2, 3), "CCTV", "Eve Green", "eve@example.org", None,
     dt.datetime(2020, 2, 27), "Withheld", None, "B Officer", "Closed"],
    # Before the bank-holiday calendar: no due date can be worked out; kept, flagged.
    ["OPCC 7", dt.datetime(2008, 3, 3), "Budget 2008", "Fay Hill", "fay@example.org", None,
     dt.datetime(2008, 3, 20), "Granted", None, "A Officer", "Closed"],
    # Still open: logged through the lifecycle, its due date is the clock's.
    ["OPCC 240", dt.datetime(2024, 4, 22), "Knife crime funding", "Gus Ives",
     "gus@example.org", None, None, None, None, "A Officer", "Open"],
]  # fmt: skip

POLICE_HEADERS = ["Reference", "Date Received", "Subject", "Outcome", "Exemptions", "Date Closed"]
POLICE_ROWS = [
    ["4/19", "12/02/2019 09:59", "Use of tasers", "Partially provided", "s40,s31",
     "08/03/2019 16:20"],
    ["5/19", "13/02/2019 10:15", "Overtime costs", "Refused", "(s12) - Exceeded cost",
     "11/03/2019 11:00"],
    ["FOI/21/045", "44239", "Speed cameras", "Not held", "", "44259"],
    ["FOI/21/046", "02/03/2021 14:00", "Stop and search", "Refused in part", "Section 40 (2)",
     "29/03/2021 09:00"],
    ["FOI/21/047", "03/03/2021", "Fleet vehicles", "Granted in full", "", "25/03/2021"],
]  # fmt: skip

MOJ_HEADERS = [
    "Number", "Case type", "Date received", "Date responded", "Name", "Requester type",
    "Email", "Message", "Outcome", "Exemptions", "Appeal outcome",
]  # fmt: skip
MOJ_ROWS = [
    ["210401001", "FOI", "2021-04-01", "2021-04-20", "Hal Jay", "Journalist", "hal@example.org",
     "Please send the prisons budget.", "Granted in full", "", ""],
    ["210401002", "FOI", "2021-04-01", "2021-04-29", "Ida Kay", "Member of the public",
     "ida@example.org", "Names of governors.", "Refused fully", "S40(2)", "Upheld"],
    ["210402003", "FOI", "2021-04-02", "2021-04-28", "Jo Lee", "Campaign group",
     "jo@example.org", "Escapes in 2020.", "Refused in part", "S31(1)(a), S40(2)", "Upheld"],
    ["210403004", "EIR", "2021-04-06", "2021-04-30", "Kim Moss", "Business", "kim@example.org",
     "Air quality near the court.", "Information not held", "", ""],
]  # fmt: skip


def authority_xlsx(path: Path, rows: list[list[object]] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Register"
    sheet.append(AUTHORITY_HEADERS)
    for row in AUTHORITY_ROWS if rows is None else rows:
        sheet.append(row)
    book.create_sheet("Notes").append(["Kept by the records manager"])
    book.save(path)
    return path


def police_utf16(path: Path, rows: list[list[str]] | None = None) -> Path:
    """Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\r\n")
    writer.writerow(POLICE_HEADERS)
    writer.writerows(POLICE_ROWS if rows is None else rows)
    path.write_bytes(out.getvalue().encode("utf-16"))
    return path


def moj_csv(path: Path, rows: list[list[str]] | None = None) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(MOJ_HEADERS)
    writer.writerows(MOJ_ROWS if rows is None else rows)
    path.write_bytes(out.getvalue().encode("utf-8-sig"))
    return path
