"""The staff side of redaction: rules on the request page, and the publish preview."""
# ruff: noqa: F811  (the fixtures of test_staff are imported and used as arguments)

from __future__ import annotations

import sqlite3

from test_staff import (  # noqa: F401  (fixtures)
    answer_all_and_close,
    app,
    log_request,
    sessions,
    staff_register,
    template_register,
    text_of,
)


async def test_rules_on_the_request_page_reach_the_log(app, sessions, staff_register, tmp_path):
    olive = await sessions("olive")
    reference = await log_request(olive, subject="Complaints about Sergeant Pickering")
    await answer_all_and_close(olive, reference)
    # The preview holds the request back, names the doubtful name, and writes nothing.
    preview = text_of(await olive.post("/publish", {"do": "preview"}))
    assert "Preview" in preview and "Sergeant Pickering" in preview
    assert not (tmp_path / "disclosure.db").exists()
    # The officer withholds the name from the request page; the history records who did.
    response = await olive.act(reference, "redact", {"phrase": "Pickering", "do": "redact"})
    assert response.status_code == 302, text_of(response)
    page = text_of(await olive.get(f"/requests/{reference}"))
    assert "Redaction for publication" in page and "Pickering" in page
    rules = staff_register.query("SELECT phrase, created_by FROM redaction_rules")
    assert rules == [{"phrase": "Pickering", "created_by": "olive"}]
    published = text_of(await olive.post("/publish", {"do": "publish"}))
    assert "Published 1 request" in published and "SHA-256" in published
    with sqlite3.connect(tmp_path / "disclosure.db") as public:
        [subject] = public.execute("SELECT subject FROM disclosures").fetchone()
    assert subject == "Complaints about Sergeant [redacted]"
    audit = staff_register.one("SELECT actor FROM audit WHERE action = 'publish'")
    assert audit == {"actor": "olive"}, "the publication is in the audit trail"
    # And removed again.
    response = await olive.act(reference, "redact", {"phrase": "Pickering", "do": "remove"})
    assert response.status_code == 302
    assert staff_register.query("SELECT * FROM redaction_rules") == []


async def test_a_bad_rule_is_refused_on_the_page(app, sessions, staff_register):
    olive = await sessions("olive")
    reference = await log_request(olive)
    response = await olive.act(reference, "redact", {"phrase": "x", "do": "redact"})
    assert response.status_code == 400 and "at least" in text_of(response)
    assert staff_register.query("SELECT * FROM redaction_rules") == []


async def test_nobody_logged_out_can_add_rules(app, sessions, staff_register):
    olive = await sessions("olive")
    reference = await log_request(olive)
    stranger = await sessions()
    version = await olive.version(reference)
    response = await stranger.post(
        f"/requests/{reference}/redact", {"version": version, "phrase": "Some Body"}
    )
    assert response.status_code in (302, 403), "sent to log in, or refused"
    assert staff_register.query("SELECT * FROM redaction_rules") == []
