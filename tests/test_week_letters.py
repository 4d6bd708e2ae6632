"""Issue 21 ("An officer's week"), the letters: who signs, the requester's grounds for a review.

Every letter here is rendered by `render_letter` from a real register into a real .docx with the
shipped templates, then opened and read back (python-docx): the sign-off is what the reader sees.
"""

from __future__ import annotations

import pytest
from letters_support import OFFICER, lifecycle

from foikit.letters import letter_text, render_letter
from foikit.register.settings import set_setting
from foikit.register.users import add_user, edit_user

PASSWORD = "a long enough password"
REVIEWER = "the.reviewer"
OFFICE_NAME = "Office of the Police and Crime Commissioner for the West Midlands"
OFFICE = ["Alethea Fuller", "Deputy Chief Executive"]
DEE = ("Dee Officer", "Disclosure Officer")
RAVI = ("Ravi Quenby", "Head of Legal Services")


def _people(reg, handler, reviewer):
    """Accounts for the handler and the reviewer (None: no accounts at all); each given as
    (full name, job title), a full name alone, or "" for an account with no full name."""
    if handler is None and reviewer is None:
        return
    for login, role, person in ((OFFICER, "officer", handler), (REVIEWER, "reviewer", reviewer)):
        add_user(reg, login, role, PASSWORD, actor="admin")
        if person:
            full, title = person if isinstance(person, tuple) else (person, None)
            edit_user(reg, login, actor="admin", full_name=full, job_title=title)


def _sign_off(text: str) -> list[str]:
    """The lines after "Yours sincerely,", blank lines dropped."""
    lines = text.splitlines()
    start = max(i for i, line in enumerate(lines) if line.strip() == "Yours sincerely,")
    return [line for line in lines[start + 1 :] if line.strip()]


SIGNATURES = [
    ("handler-signs", "acknowledgement", "decider", DEE, RAVI, False, [*DEE], [],
     "issue 21: a request letter is signed by its handler, with their job title"),
    ("handler-signs-response", "response", "decider", DEE, RAVI, False, [*DEE], [],
     "the response is the handler's decision"),
    ("handler-signs-refusal", "refusal", "decider", DEE, RAVI, False, [*DEE], [],
     "a s.17 refusal is the handler's decision"),
    ("handler-no-full-name", "acknowledgement", "decider", "", RAVI, False, OFFICE,
     [OFFICER], "no full name on the account: the office signs, never a login name"),
    ("handler-no-title", "fees", "decider", "Dee Officer", RAVI, False, ["Dee Officer"], [],
     "a full name without a job title: no empty title line"),
    ("reviewer-signs-outcome", "review-outcome", "decider", DEE, RAVI, False, [*RAVI],
     ["Dee Officer"], "the issue: the outcome is the reviewer's, not the officer reviewed (s.45)"),
    ("reviewer-signs-ack", "review-acknowledgement", "decider", DEE, RAVI, False, [*RAVI],
     ["Dee Officer"], "the review's letters are the reviewer's"),
    ("reviewer-no-title", "review-outcome", "decider", DEE, "Ravi Quenby", False,
     ["Ravi Quenby", "Internal reviewer"], [], "a reviewer without a job title signs as such"),
    ("reviewer-no-full-name", "review-outcome", "decider", DEE, "", False, OFFICE, [REVIEWER],
     "an account without a full name: the office signs, not the login name"),
    ("no-accounts-review", "review-outcome", "decider", None, None, False,
     [REVIEWER, "Internal reviewer"], [], "no accounts: the reviewer as recorded on the review"),
    ("no-accounts-request", "acknowledgement", "decider", None, None, False, OFFICE, [],
     "no accounts: a request letter falls back to the office signatory"),
    ("setting-office-request", "response", "office", DEE, RAVI, False, OFFICE, ["Dee Officer"],
     "letters.signatory = office: the office signs everything"),
    ("setting-office-review", "review-outcome", "office", DEE, RAVI, False, OFFICE,
     ["Ravi Quenby"], "letters.signatory = office: review letters too"),
    ("published-handler", "response", "decider", DEE, RAVI, True,
     ["[redacted]", "Disclosure Officer"], ["Dee Officer"],
     "a published copy: staff names below senior level are redacted (the log's rule)"),
]  # fmt: skip


@pytest.mark.parametrize(
    "kind, setting, handler, reviewer, published, signed, absent, why",
    [case[1:] for case in SIGNATURES],
    ids=[case[0] for case in SIGNATURES],
)
def test_every_letter_is_signed_by_the_person_who_decided(
    register, kind, setting, handler, reviewer, published, signed, absent, why
):
    refs = lifecycle(register)
    _people(register, handler, reviewer)
    set_setting(register, "letters.signatory", setting, "admin")
    path = render_letter(register, refs[kind], kind, today="2021-07-02", published=published)
    text = letter_text(path)
    assert _sign_off(text) == [*signed, OFFICE_NAME], why
    for word in absent:
        assert word not in text, f"{why}: {word!r} printed"


def test_no_shipped_template_prints_the_office_signatory_directly():
    """The shipped templates sign with `signatory`, so the setting and the fallbacks apply."""
    import zipfile

    from foikit.letters.docx import compile_template
    from foikit.letters.folders import PACKAGE_TEMPLATES

    paths = sorted(PACKAGE_TEMPLATES.glob("*.docx"))
    assert len(paths) == 8
    for path in paths:
        assert "signatory" in compile_template(path).variables(), path.name
        with zipfile.ZipFile(path) as z:
            xml = z.read("word/document.xml")
        assert b"signatory.name" in xml, path.name
        assert b"office.signatory_name" not in xml and b"review.reviewer" not in xml, path.name


# -- public and internal figure notes ---------------------------------------------------------

NOTE_ANSWERS = [
    ("every-figure-whole", "{% for f in figures if f.topic != 'funding' %}{{ f }}\n{% endfor %}",
     "an answer printing every figure with all its keys: the letter context has no internal note"),
    ("every-note", "{% for f in figures %}{{ f.area }}: {{ f.note }}\n{% endfor %}",
     "the public notes, as an officer would list them"),
    ("every-value-items", "{% for f in figures if f.topic == 'dhr' %}{% for k in f %}{{ k }}="
     "{{ f[k] }};{% endfor %}{% endfor %}", "every key of every figure, by iterating the keys"),
]  # fmt: skip


@pytest.mark.parametrize(
    "answer, why", [a[1:] for a in NOTE_ANSWERS], ids=[a[0] for a in NOTE_ANSWERS]
)
def test_no_internal_note_reaches_a_letter(register, answer, why):
    from foikit.casework.lifecycle import answer_question
    from foikit.register.facts import facts

    internal = {f["internal_note"] for f in facts(register)["figures"] if f["internal_note"]}
    assert "The source writes 'Wolves'" in internal, "the control: internal notes are held"
    assert len(internal) >= 5
    refs = lifecycle(register)
    answer_question(register, OFFICER, refs["response"], 1, text=answer)
    for published in (False, True):
        text = letter_text(
            render_letter(register, refs["response"], "response", published=published,
                          today="2021-07-02")
        )  # fmt: skip
        assert "+1 child friendly report" in text, "the public note is printed"
        leaked = sorted(note for note in internal if note in text)
        assert leaked == [], f"{why}: {leaked}"
        assert "Wolves" not in text and "internal_note" not in text, why


def test_an_answer_asking_for_an_internal_note_is_refused(register, invoke):
    refs = lifecycle(register)
    result = invoke(
        "request", "answer", refs["response"], "1", "--text",
        "{{ figures[0].internal_note }}",
    )  # fmt: skip
    assert result.exit_code == 1, "the answer sandbox has no such key (StrictUndefined)"
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output


def test_facts_shows_internal_notes_to_officers(register, invoke):
    import json

    shown = json.loads(invoke("facts", "--json").output)
    wolves = [f for f in shown["figures"] if f["id"] == "dhr-claimed-2019-20-wolverhampton"]
    assert wolves[0]["internal_note"] == "The source writes 'Wolves'" and wolves[0]["note"] is None
    sandwell = [f for f in shown["figures"] if f["id"] == "dhr-claimed-2019-20-sandwell"]
    assert (sandwell[0]["note"], sandwell[0]["internal_note"]) == ("+1 child friendly report", None)
    text = invoke("facts").output
    assert "internal note (officers only): The source writes 'Wolves'" in text


def test_no_internal_note_reaches_the_disclosure_log(register, tmp_path):
    """The June 2021 response lists the 2019-20 DHR claims with their notes: the log (its
    file, its letter text, its search index) has the public note and no internal one."""
    from letters_support import june_2021

    from foikit.casework.lifecycle import answer_question
    from foikit.publishing.build import publish
    from foikit.register.facts import facts

    internal = {f["internal_note"] for f in facts(register)["figures"] if f["internal_note"]}
    ref = june_2021(register, close=False)
    answer_question(register, OFFICER, ref, 3, text=(
        "{% for f in figures if f.topic == 'dhr' %}{{ f.area }} {{ f.measure }} {{ f.value }}"
        "{{ ' (' ~ f.note ~ ')' if f.note else '' }}; {% endfor %}"
    ))  # fmt: skip
    from foikit.casework.lifecycle import close_request

    close_request(register, OFFICER, ref, responded="2021-06-10", outcome="partially-withheld",
                  today="2021-06-10")  # fmt: skip
    out = tmp_path / "disclosure.db"
    assert publish(register, out).published == 1
    data = out.read_bytes().decode("utf-8", "replace")
    assert "+1 child friendly report" in data, "the control: the public note is published"
    assert sorted(n for n in internal if n in data) == []
    assert "Wolves" not in data
