"""Letters are never written over: every rendering is a new file, and the sent one is kept.

The first rendering of a kind goes to `REF-KIND.docx`; a later one to `REF-KIND-2.docx`,
`-3`, and so on, so the letter that went out is still on disk exactly as sent. The file is
claimed with a hard link, which fails when the name is taken, so two renderings at once cannot
write over each other either. A letter rendered neither as a draft nor as the published copy
is the one sent: its row gets `sent_at`, and a later rendering of the same kind records which
letter it `supersedes`. `--out PATH` naming an existing file is refused.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foikit.register.files import Kind, OutputRefused, guard_output, private_dir

if TYPE_CHECKING:
    from foikit.register.core import Register, Tx


MAX_VERSIONS = 10_000


def _versions(default: Path) -> Any:
    yield default
    for n in range(2, MAX_VERSIONS):
        yield default.with_name(f"{default.stem}-{n}{default.suffix}")


def write_new_letter(
    reg: Register,
    compiled: Any,
    context: Any,
    out: str | os.PathLike[str] | None,
    default: Path,
) -> Path:
    """Render to `out` (refused when it exists) or to the first free version of `default`."""
    from foikit.letters.docx import render_docx

    if out is not None:
        target = Path(out)
        if not target.parent.exists():
            private_dir(target.parent)
        guard_output(target, Kind.TEXT, register=reg.path)
        if target.exists() or target.is_symlink():
            raise OutputRefused(
                f"{str(target)!r} already exists: a letter is never written over (a sent letter"
                " must stay as it was sent); choose another file"
            )
        try:
            return render_docx(compiled, context, target, replace=False)
        except FileExistsError:
            raise OutputRefused(f"{str(target)!r} already exists: choose another file") from None
    for candidate in _versions(default):
        if candidate.exists() or candidate.is_symlink():
            continue
        private_dir(candidate.parent)
        guard_output(candidate, Kind.TEXT, register=reg.path)
        try:
            return render_docx(compiled, context, candidate, replace=False)
        except FileExistsError:
            continue  # taken by another rendering at the same moment: the next one
    raise OutputRefused(f"too many versions of {str(default)!r}")


def record_letter(
    tx: Tx,
    request_id: int,
    kind: str,
    path: Path,
    *,
    published: bool,
    draft: bool,
    dated: str | None = None,
) -> Any:
    """The `letters` row of a rendering: sent unless a draft or the published copy; `dated` is
    the date the letter bears (its event's, or --today)."""
    sent = not published and not draft
    earlier = (
        tx.execute(
            "SELECT MAX(id) FROM letters WHERE request_id = ? AND kind = ? AND sent_at IS NOT NULL",
            (request_id, kind),
        ).fetchone()[0]
        if sent
        else None
    )
    return tx.insert(
        "letters",
        {
            "request_id": request_id,
            "kind": kind,
            "path": str(path),
            "published": int(published),
            "draft": int(draft),
            "rendered_at": tx.at,
            "sent_at": tx.at if sent else None,
            "supersedes": earlier,
            "dated": dated,
        },
        request_id=request_id,
        action="letter-draft" if draft else "letter",  # a preview is not taking part
    )
