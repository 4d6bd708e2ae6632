"""A preview is not a letter sent.

A preview (`foikit letter --draft`, the staff Preview button) is written to a `-draft` file,
recorded in `letters` with `draft = 1` and audited as `letter-draft`: it never counts as sent
(`letters batch` still lists the request), never makes the person who made it "involved" in the
request (foikit.casework.reviews.NOT_INVOLVEMENT), and never overwrites a letter that was sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from foikit.register.reader import Reader


def refuse_overwriting_sent(reg: Reader, request_id: int, target: Path, *, draft: bool) -> None:
    """A preview never replaces the file of a letter that was sent (a letter to send may)."""
    if not draft:
        return
    from foikit.letters.context import LetterNotApplicable

    resolved = str(Path(target).resolve())
    sql = "SELECT path FROM letters WHERE request_id = ? AND draft = 0 AND deleted_at IS NULL"
    if any(str(Path(r["path"]).resolve()) == resolved for r in reg.query(sql, (request_id,))):
        raise LetterNotApplicable(f"{target} is a letter that was sent: a preview goes elsewhere")
