"""The canary corpus: a requester's details written into a request in every form people use, a
third party the officer withheld, and a member of staff named in full. No canary may reach any
public output (the disclosure log's bytes and search index, every page, JSON, CSV and the Atom
feed of the served log, every `--published` letter), while the information released does."""

from __future__ import annotations

import sqlite3

import pytest

from foikit.casework.lifecycle import add_request, answer_question, close_request
from foikit.casework.reviews import close_review, open_review
from foikit.publishing.build import publish
from foikit.publishing.rules import add_rule
from foikit.register.users import add_user

OFFICER = "test.officer"

SUBJECT = "Knife crime funding for Zebedee Quillfeather, DY9 7ZZ"
QUESTIONS = [
    # The requester signs the question with every detail.
    "I am Zebedee Quillfeather (zeb.quill@canary.example, 17 Marrowbone Lane, Quenby Heath, "
    "Dudley DY9 7ZZ, tel 07700 900462). How much knife crime funding did Dudley CSP get?",
    # Spelled-out email, international forms of the phone, initials, title and surname.
    "Mr Quillfeather again: write to zeb dot quill at canary dot example, or ring "
    "0044 7700 900462 or +44 (0)7700 900462 (Z. Quillfeather). How many referrals did "
    "PC Thaddeus Grimsby make?",
    # The street without its number, the postcode alone, the forename alone, a foreign number.
    "My neighbours on Marrowbone Lane (postcode DY97ZZ) ask too; Zebedee is abroad on "
    "+1 202 555 0143. What was the knife crime budget?",
]
ANSWERS = [
    "Dudley CSP received £48,000 in 2019-20. Olwen Marchbank checked this figure "
    "(ask olwen.marchbank).",
    "Grimsby made twelve referrals.",
    "The knife crime budget was £1,250,000.",
]
# The requester's grounds for the review (issue 21): their own words, naming a third party
# nobody has a redaction rule for. Grounds are dropped from every public output, not scanned.
GROUNDS = "Mrs Perpetua Ravensworth, my neighbour, says the s.40(2) answer was wrong."
REVIEW_REASONS = "Mr Quillfeather's complaint about Thaddeus Grimsby was considered in full."

# Everything that must never be public, as it would be searched for.
CANARIES = [
    "Zebedee", "Quillfeather", "zeb.quill", "zeb dot quill", "canary.example",
    "canary dot example", "Marrowbone", "Quenby", "DY9 7ZZ", "DY97ZZ", "7700 900462",
    "7700900462", "900462", "202 555 0143", "Thaddeus", "Grimsby", "Olwen", "Marchbank",
    "Perpetua", "Ravensworth",
]  # fmt: skip
# The same in the search index's tokens (porter-stemmed, lower case).
CANARY_TOKENS = [
    "zebedee", "quillfeath", "quillfeather", "zeb", "quill", "canari", "marrowbon",
    "quenbi", "dy9", "7zz", "dy97zz", "900462", "thaddeu", "grimsbi", "olwen", "marchbank",
    "perpetua", "ravensworth",
]  # fmt: skip
# What was released, which must still be there.
RELEASED = ["£48,000", "twelve referrals", "£1,250,000", "Knife crime funding"]


@pytest.fixture
def corpus(register, tmp_path):
    add_user(register, "olwen.marchbank", "officer", "a long enough password", actor=OFFICER)
    # Once a register has accounts, a reviewer is an account with the reviewer role (issue 14).
    add_user(register, "a.reviewer", "reviewer", "a long enough password", actor=OFFICER)
    ref = add_request(
        register,
        OFFICER,
        received="2024-05-01",
        subject=SUBJECT,
        questions=QUESTIONS,
        requester_name="Zebedee Quillfeather",
        requester_email="zeb.quill@canary.example",
        requester_address=["17 Marrowbone Lane", "Quenby Heath", "Dudley", "DY9 7ZZ"],
        handler="olwen.marchbank",
    )
    with register.transaction(OFFICER) as tx:
        rid = tx.execute("SELECT requester_id FROM requests WHERE reference = ?", (ref,))
        tx.update("requesters", rid.fetchone()[0], {"phone": "07700 900462"})
    answer_question(register, "olwen.marchbank", ref, 1, text=ANSWERS[0])
    answer_question(
        register,
        "olwen.marchbank",
        ref,
        2,
        text=ANSWERS[1],
        exemptions=[("40(2)", "Thaddeus Grimsby's name is his personal data.", None)],
    )
    answer_question(register, "olwen.marchbank", ref, 3, text=ANSWERS[2])
    close_request(register, OFFICER, ref, responded="2024-05-20", outcome="partially-withheld")
    open_review(
        register, OFFICER, ref, received="2024-06-01", reviewer="a.reviewer", grounds=GROUNDS
    )
    close_review(
        register, "a.reviewer", ref, decided="2024-06-20", outcome="upheld", reasons=REVIEW_REASONS
    )
    # The officer withholds the constable under s.40(2): his name, and his surname alone.
    add_rule(register, OFFICER, ref, "Thaddeus Grimsby")
    add_rule(register, OFFICER, ref, "Grimsby")
    out = tmp_path / "disclosure.db"
    report = publish(register, out)
    assert report.published == 1, report.held_back
    return ref, out


def leaks(text: str) -> list[str]:
    low = text.lower()
    return [c for c in CANARIES if c.lower() in low]


def test_no_canary_in_the_file_or_its_search_index(corpus):
    _, out = corpus
    data = out.read_bytes()
    assert leaks(data.decode("utf-8", "replace")) == []
    conn = sqlite3.connect(out)
    conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, disclosures_fts, 'row')")
    terms = {r[0] for r in conn.execute("SELECT term FROM temp.vocab")}
    conn.close()
    assert sorted(terms & set(CANARY_TOKENS)) == []
    assert {"knife", "fund", "referr"} <= terms, "the released words are searchable"
    for item in RELEASED:
        assert item.encode() in data, item


PAGES = [
    ("/", "the home page"),
    ("/disclosure", "the database page"),
    ("/disclosure/disclosures", "the list of disclosures"),
    ("/disclosure/disclosures/{ref}", "the request's page"),
    ("/disclosure/disclosures.json?_shape=array", "the disclosures as JSON"),
    ("/disclosure/disclosures/{ref}.json", "the request as JSON"),
    ("/disclosure/disclosures.csv", "the disclosures as CSV"),
    ("/disclosure/questions.json?_shape=array", "the questions as JSON"),
    ("/disclosure/questions.csv", "the questions as CSV"),
    ("/disclosure/new_disclosures", "the feed's query page"),
    ("/disclosure/new_disclosures.atom", "the Atom feed"),
    ("/disclosure/disclosures?_search=knife", "a search"),
    ("/disclosure/disclosures.json?_search=Quillfeather&_shape=array", "a search: no match"),
]


@pytest.mark.parametrize("path, why", PAGES, ids=[p for p, _ in PAGES])
async def test_no_canary_on_any_served_page(corpus, path, why):
    from foikit.publishing.serve import make_datasette

    ref, out = corpus
    ds = make_datasette(out)
    response = await ds.client.get(path.format(ref=ref))
    assert response.status_code == 200, (why, response.text[:300])
    assert leaks(response.text) == [], why


async def test_the_released_information_is_served(corpus):
    from foikit.publishing.serve import make_datasette

    ref, out = corpus
    ds = make_datasette(out)
    page = (await ds.client.get("/disclosure/questions.csv")).text
    for item in ["£48,000", "twelve referrals", "£1,250,000"]:
        assert item in page, item
    feed = (await ds.client.get("/disclosure/new_disclosures.atom")).text
    assert "Knife crime funding" in feed


PUBLISHED_KINDS = ["response", "acknowledgement", "review-acknowledgement", "review-outcome"]


@pytest.mark.parametrize("kind", PUBLISHED_KINDS)
def test_no_canary_in_a_published_letter(corpus, invoke, tmp_path, kind):
    from foikit.letters import letter_text

    ref, _ = corpus
    target = tmp_path / f"{kind}.docx"
    result = invoke("letter", ref, kind, "--published", "--out", target)
    assert result.exit_code == 0, result.output
    text = letter_text(target)
    assert leaks(text) == [], kind
    if kind == "response":
        for item in ["£48,000", "twelve referrals", "£1,250,000", "Knife crime funding"]:
            assert item in text, item
    if kind == "review-outcome":
        assert "complaint about [redacted] was considered" in text


def test_the_letter_sent_keeps_what_the_published_copy_hides(corpus, invoke, tmp_path):
    """The control: the canaries are really in the register, so their absence above means
    the redaction worked, not that the corpus was empty."""
    from foikit.letters import letter_text

    ref, _ = corpus
    target = tmp_path / "sent.docx"
    assert invoke("letter", ref, "response", "--out", target).exit_code == 0
    assert {"Zebedee", "Quillfeather", "Thaddeus"} <= set(leaks(letter_text(target)))


def test_the_review_letter_sent_quotes_the_grounds_the_log_never_shows(corpus, invoke, tmp_path):
    """The control for the grounds canary: the requester's grounds are in the review letters
    sent to them (issue 21), so their absence from the log and published copies is the rule."""
    from foikit.letters import letter_text

    ref, _ = corpus
    for kind in ("review-acknowledgement", "review-outcome"):
        target = tmp_path / f"sent-{kind}.docx"
        assert invoke("letter", ref, kind, "--out", target).exit_code == 0
        text = letter_text(target)
        assert "You asked us to review our response because:" in text, kind
        assert GROUNDS in text, kind
