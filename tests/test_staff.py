"""The staff interface through Datasette's in-process ASGI app: every form and permission.

Each test drives a real Datasette built by `make_staff_datasette` over a real register in
tmp_path, with a cookie-keeping client (httpx over ASGI, as `datasette.client` is), logging in
through the login form and posting forms with Datasette's CSRF token like a browser.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from pathlib import Path

import httpx
import pytest

from foikit.letters.folders import PACKAGE_TEMPLATES
from foikit.register import Register
from foikit.register.users import add_user
from foikit.staff import make_staff_datasette

PASSWORD = "a long enough password"
TODAY = dt.date(2021, 7, 1)
TEMPLATES = PACKAGE_TEMPLATES
STAFF = {
    "olive": "officer",
    "oscar": "officer",
    "rita": "reviewer",
    "ray": "reviewer",
    "ada": "administrator",
}


class Session:
    """One person's browser: keeps cookies, reads the CSRF token from the pages."""

    def __init__(self, app):
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )
        self.token: str | None = None

    async def get(self, path: str) -> httpx.Response:
        response = await self.client.get(path)
        self._remember_token(response)
        return response

    def _remember_token(self, response: httpx.Response) -> None:
        found = re.search(r'name="csrftoken" value="([^"]+)"', response.text)
        if found:
            self.token = found.group(1)

    async def post(
        self, path: str, data: dict | None = None, *, csrf: bool = True
    ) -> httpx.Response:
        if csrf and self.token is None:
            await self.get("/login")
        form = dict(data or {})
        if csrf:
            form["csrftoken"] = self.token
        response = await self.client.post(path, data=form)
        self._remember_token(response)
        return response

    async def login(self, name: str, password: str = PASSWORD) -> httpx.Response:
        await self.get("/login")
        return await self.post("/login", {"name": name, "password": password, "next": "/"})

    async def version(self, reference: str) -> str:
        page = await self.get(f"/requests/{reference}")
        return re.search(r'data-version="([^"]+)"', page.text).group(1)

    async def act(self, reference: str, action: str, data: dict) -> httpx.Response:
        """Post one request-page form, with the version the page showed just now."""
        version = await self.version(reference)
        return await self.post(f"/requests/{reference}/{action}", {"version": version, **data})

    async def close(self) -> None:
        await self.client.aclose()


@pytest.fixture(scope="module")
def template_register(tmp_path_factory):
    """Built once (reference data, bank holidays, hashed passwords), copied for each test."""
    from foikit.register.init import init_register

    path = tmp_path_factory.mktemp("staff") / "register.db"
    init_register(path, load_facts=True, actor="test.setup")
    with Register(path) as reg:
        for name, role in STAFF.items():
            add_user(reg, name, role, PASSWORD, actor="test.setup")
    return path


@pytest.fixture
def staff_register(template_register, db_path):
    shutil.copyfile(template_register, db_path)
    with Register(db_path) as reg:
        yield reg


@pytest.fixture
async def app(staff_register, db_path, tmp_path):
    ds = make_staff_datasette(
        db_path,
        secret="test-secret",
        responses_dir=tmp_path / "responses",
        disclosure_path=tmp_path / "disclosure.db",
        templates_dir=TEMPLATES,
        today=TODAY,
    )
    await ds.invoke_startup()
    return ds.app()


@pytest.fixture
async def sessions(app):
    made: list[Session] = []

    async def new(name: str | None = None) -> Session:
        session = Session(app)
        made.append(session)
        if name is not None:
            response = await session.login(name)
            assert response.status_code == 302, response.text
        return session

    yield new
    for session in made:
        await session.close()


# Audit rows of changes to the casework: reads and sessions (foikit.register.reads) left out.
WRITES = "SELECT count(*) FROM audit WHERE coalesce(table_name, '') NOT IN ('reads', 'sessions')"


def text_of(response: httpx.Response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.text))


async def log_request(session: Session, **overrides) -> str:
    form = {
        "received": "2021-06-05",
        "regime": "foi",
        "subject": "Domestic Homicide Reviews",
        "questions": "How many CSPs are there?\nList their websites.\nWho leads each one?",
        "requester_name": "A Person",
        "requester_email": "a.person@example.org",
        **overrides,
    }
    response = await session.post("/requests/new", form)
    assert response.status_code == 302, text_of(response)
    return response.headers["location"].rsplit("/", 1)[1]


async def answer_all_and_close(session: Session, reference: str) -> None:
    for number in (1, 2, 3):
        response = await session.act(reference, "answer", {"number": number, "text": "Seven."})
        assert response.status_code == 302, text_of(response)
    response = await session.act(
        reference, "close", {"responded": "2021-06-10", "outcome": "granted-in-full"}
    )
    assert response.status_code == 302, text_of(response)


# -- nothing for anonymous visitors --------------------------------------------------------


@pytest.mark.parametrize(
    "path, why",
    [
        ("/", "the board"),
        ("/requests/new", "the new request form"),
        ("/requests/FOI-2021-0001", "a request page"),
        ("/publish", "publishing"),
        ("/users", "user administration"),
        ("/register", "Datasette's database page"),
        ("/register.db", "downloading the register file"),
        ("/register/requests", "a table"),
        ("/register/requesters.json", "personal data as JSON"),
        ("/register/requesters.csv", "personal data as CSV"),
        ("/register?sql=select+*+from+users", "raw SQL"),
        ("/register.json?sql=select+1", "raw SQL as JSON"),
        ("/-/metadata.json", "the configuration"),
        ("/-/databases.json", "the database list"),
        ("/-/permissions", "the permissions debug page"),
    ],
)
async def test_anonymous_visitors_see_nothing(app, sessions, path, why):
    anonymous = await sessions()
    response = await anonymous.get(path)
    assert response.status_code in (302, 403), why
    if response.status_code == 302:
        assert response.headers["location"].startswith("/login"), why
    assert "Domestic" not in response.text and "password_hash" not in response.text


async def test_anonymous_posts_change_nothing(app, sessions, staff_register):
    anonymous = await sessions()
    response = await anonymous.post(
        "/requests/new", {"received": "2021-06-05", "subject": "x", "questions": "q"}
    )
    assert response.status_code == 302 and response.headers["location"].startswith("/login")
    assert staff_register.scalar("SELECT count(*) FROM requests") == 0


async def test_the_login_page_itself_is_open(app, sessions):
    anonymous = await sessions()
    response = await anonymous.get("/login")
    assert response.status_code == 200
    assert 'name="password"' in response.text


# -- logging in and out --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, password, why",
    [
        ("olive", "wrong password!", "wrong password"),
        ("nobody", PASSWORD, "unknown user"),
    ],
)
async def test_a_failed_login_says_so_and_sets_no_session(app, sessions, name, password, why):
    session = await sessions()
    response = await session.login(name, password)
    assert response.status_code == 401, why
    assert "the user name or password is not right" in text_of(response)
    assert (await session.get("/")).status_code == 302


async def test_login_goes_back_to_the_page_asked_for_but_never_off_site(app, sessions):
    session = await sessions()
    await session.get("/login")
    response = await session.post(
        "/login", {"name": "olive", "password": PASSWORD, "next": "/publish"}
    )
    assert response.headers["location"] == "/publish"
    other = await sessions()
    await other.get("/login")
    response = await other.post(
        "/login", {"name": "olive", "password": PASSWORD, "next": "//evil.example/"}
    )
    assert response.headers["location"] == "/"


async def test_staff_pages_are_never_cached_or_framed(app, sessions):
    olive = await sessions("olive")
    response = await olive.get("/")
    assert "no-store" in response.headers["cache-control"]
    assert response.headers["x-frame-options"] == "DENY"


async def test_logout_ends_the_session(app, sessions):
    olive = await sessions("olive")
    assert (await olive.get("/")).status_code == 200
    response = await olive.post("/logout")
    assert response.status_code == 302
    assert (await olive.get("/")).status_code == 302


async def test_a_disabled_user_is_shut_out_at_once(app, sessions, staff_register):
    from foikit.register.users import set_active

    oscar = await sessions("oscar")
    assert (await oscar.get("/")).status_code == 200
    set_active(staff_register, "oscar", False, actor="ada")
    assert (await oscar.get("/")).status_code == 302
    assert (await oscar.get("/register/requests")).status_code == 302


async def test_a_forged_session_cookie_is_ignored(app, sessions):
    session = await sessions()
    session.client.cookies.set("ds_actor", "eyJmb2lraXQiOiJhZGEifQ.forged")
    assert (await session.get("/")).status_code == 302


async def test_forms_need_the_csrf_token(app, sessions, staff_register):
    olive = await sessions("olive")
    response = await olive.post(
        "/requests/new",
        {"received": "2021-06-05", "subject": "x", "questions": "q", "requester_name": "A"},
        csrf=False,
    )
    assert response.status_code == 403
    assert staff_register.scalar("SELECT count(*) FROM requests") == 0


# -- who may do what -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, path, allowed, why",
    [
        ("olive", "/register?sql=select+name+from+users", False, "raw SQL: administrators only"),
        ("olive", "/register.json?sql=select+1", False, "raw SQL as JSON too"),
        ("olive", "/register/requests?_where=1=1", False, "_where is raw SQL"),
        ("olive", "/register.db", False, "the register file never downloads"),
        ("olive", "/register/users", False, "password hashes"),
        ("olive", "/register/audit", False, "the raw audit trail (each request shows its own)"),
        ("olive", "/users", False, "officers do not administer users"),
        ("olive", "/register/requests", True, "officers may browse the register's tables"),
        ("rita", "/users", False, "nor do reviewers"),
        ("ada", "/register?sql=select+name+from+users", True, "administrators may run SQL"),
        ("ada", "/register/users", True, "and see the users table"),
        ("ada", "/users", True, "and administer users"),
        ("ada", "/register.db", False, "not even administrators download the file"),
    ],
)
async def test_permissions_by_role(app, sessions, name, path, allowed, why):
    session = await sessions(name)
    response = await session.get(path)
    if allowed:
        assert response.status_code == 200, why
    else:
        assert response.status_code == 403, why


async def test_an_officer_cannot_add_users_by_posting_either(app, sessions, staff_register):
    olive = await sessions("olive")
    response = await olive.post(
        "/users", {"do": "add", "name": "mallory", "role": "administrator", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert staff_register.scalar("SELECT count(*) FROM users WHERE name = 'mallory'") == 0


async def test_an_administrator_manages_users(app, sessions, staff_register):
    ada = await sessions("ada")
    response = await ada.post(
        "/users", {"do": "add", "name": "newbie", "role": "officer", "password": PASSWORD}
    )
    assert response.status_code == 200 and "Added newbie (officer)" in text_of(response)
    response = await ada.post("/users", {"do": "role", "name": "newbie", "role": "reviewer"})
    assert "newbie is now reviewer" in text_of(response)
    response = await ada.post(
        "/users", {"do": "add", "name": "weak", "role": "officer", "password": "short"}
    )
    assert response.status_code == 400 and "at least 10 characters" in text_of(response)
    response = await ada.post("/users", {"do": "disable", "name": "ada"})
    assert response.status_code == 403 and "cannot disable yourself" in text_of(response)
    newbie = await sessions("newbie")
    assert (await newbie.get("/")).status_code == 200
    who = staff_register.query(
        "SELECT DISTINCT actor FROM audit WHERE table_name = 'users' AND actor != 'test.setup'"
    )
    assert who == [{"actor": "ada"}]


# -- a request from receipt to response ----------------------------------------------------


async def test_an_officer_takes_a_request_from_receipt_to_response(app, sessions, staff_register):
    olive = await sessions("olive")
    reference = await log_request(olive)
    assert reference == "FOI-2021-0001"
    page = text_of(await olive.get(f"/requests/{reference}"))
    assert "Logged FOI-2021-0001" in page, "the flash message"
    assert "How many CSPs are there?" in page and "2021-07-02" in page, "question and due date"
    assert "day one is 2021-06-07" in page, "the due date's reasons"
    assert 'value="40(2)"' in page, "the exemption picker, from the registry"
    assert 'value="reg 12(5)(b)"' not in page, "EIR exceptions only for EIR requests"

    response = await olive.act(reference, "answer", {"number": 1, "text": "Seven."})
    assert response.status_code == 302
    response = await olive.act(reference, "answer", {"number": 2, "kind": "not-held"})
    assert response.status_code == 302
    response = await olive.act(
        reference,
        "answer",
        {"number": 3, "kind": "exempt", "section": "40(2)", "reason": "Names of officers."},
    )
    assert response.status_code == 302, text_of(response)
    response = await olive.act(
        reference, "close", {"responded": "2021-06-10", "outcome": "partially-withheld"}
    )
    assert response.status_code == 302, text_of(response)

    row = staff_register.one("SELECT status, outcome, responded FROM requests")
    assert row == {"status": "closed", "outcome": "partially-withheld", "responded": "2021-06-10"}
    answers = staff_register.query(
        "SELECT q.number, a.status, a.answered_by FROM answers a"
        " JOIN questions q ON q.id = a.question_id ORDER BY q.number"
    )
    assert [(a["number"], a["status"], a["answered_by"]) for a in answers] == [
        (1, "answered", "olive"),
        (2, "not-held", "olive"),
        (3, "exempt", "olive"),
    ]
    actors = {r["actor"] for r in staff_register.query("SELECT actor FROM audit WHERE request_id")}
    assert actors == {"olive"}, "the audit trail names the logged-in officer"
    page = text_of(await olive.get(f"/requests/{reference}"))
    assert "Section 40(2): Names of officers." in page
    assert "Closed" in page


@pytest.mark.parametrize(
    "action, data, expected, why",
    [
        ("clarify", {"sent": "2021-06-08"}, "clarification", "s.1(3): the clock stops"),
        ("fee", {"sent": "2021-06-08", "amount": "25.00"}, "fee", "s.9: the clock stops"),
        ("extend", {"reason": "public-interest"}, None, "s.10(3): a later due date"),
    ],
)
async def test_clock_forms(app, sessions, staff_register, action, data, expected, why):
    olive = await sessions("olive")
    reference = await log_request(olive)
    before = staff_register.one("SELECT due FROM requests")["due"]
    response = await olive.act(reference, action, data)
    assert response.status_code == 302, text_of(response)
    row = staff_register.one("SELECT due, clock_stopped FROM requests")
    assert row["clock_stopped"] == expected, why
    if expected is None:
        assert row["due"] > before, why
    event = staff_register.one("SELECT kind FROM clock_events")
    assert event["kind"] == action


@pytest.mark.parametrize(
    "stop, start, data, why",
    [
        ("clarify", "clarified", {"received": "2021-06-14"}, "s.10(6)(b): 20 days afresh"),
        ("fee", "fee-paid", {"paid": "2021-06-14"}, "s.10(2): the days waiting disregarded"),
    ],
)
async def test_a_stopped_clock_restarts(app, sessions, staff_register, stop, start, data, why):
    olive = await sessions("olive")
    reference = await log_request(olive)
    # s.9(1): a fees notice states the fee
    sent = {"sent": "2021-06-08", **({"amount": "10.00"} if stop == "fee" else {})}
    response = await olive.act(reference, stop, sent)
    assert response.status_code == 302, text_of(response)
    page = text_of(await olive.get(f"/requests/{reference}"))
    assert "Awaiting" in page
    response = await olive.act(reference, start, data)
    assert response.status_code == 302, text_of(response)
    row = staff_register.one("SELECT due, clock_stopped FROM requests")
    assert row["clock_stopped"] is None and row["due"] > "2021-07-02", why


@pytest.mark.parametrize(
    "action, data, message, why",
    [
        (
            "close",
            {"responded": "2021-06-10", "outcome": "granted-in-full"},
            "have no answer",
            "MissingAnswer: every question needs its answer",
        ),
        (
            "answer",
            {"number": 1, "kind": "exempt", "section": "99"},
            "99",
            "an exemption not in the registry",
        ),
        ("answer", {"number": 9, "text": "x"}, "9", "no such question"),
        ("clarify", {"sent": "2021-13-01"}, "not a date", "a bad date"),
        ("clarify", {"sent": "2021-07-05"}, "in the future", "a date after today"),
        ("close", {"responded": "2021-06-10", "outcome": "won"}, "unknown outcome", "outcome"),
    ],
)
async def test_refusals_show_the_librarys_message_and_write_nothing(
    app, sessions, staff_register, action, data, message, why
):
    olive = await sessions("olive")
    reference = await log_request(olive)
    before = staff_register.scalar(WRITES)
    response = await olive.act(reference, action, data)
    assert response.status_code in (400, 404), why
    page = text_of(response)
    assert "That was not saved" in page and message in page, why
    assert staff_register.scalar(WRITES) == before, why


async def test_a_bad_new_request_keeps_what_was_typed(app, sessions, staff_register):
    olive = await sessions("olive")
    response = await olive.post(
        "/requests/new",
        {"received": "2021-06-05", "subject": "Budgets", "questions": "How much?"},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "That was not saved" in page
    assert 'value="Budgets"' in page, "the officer does not type it all again"
    assert staff_register.scalar("SELECT count(*) FROM requests") == 0


def docx_text(data: bytes, tmp_path: Path) -> str:
    import docx

    path = tmp_path / "downloaded.docx"
    path.write_bytes(data)
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


async def test_letters_download_as_docx_and_are_recorded(app, sessions, staff_register, tmp_path):
    olive = await sessions("olive")
    reference = await log_request(olive)
    await answer_all_and_close(olive, reference)
    await olive.get(f"/requests/{reference}")
    response = await olive.post(
        f"/requests/{reference}/letter", {"kind": "response", "format": "docx"}
    )
    assert response.status_code == 200, text_of(response)
    assert "wordprocessingml" in response.headers["content-type"]
    assert f"{reference}" in response.headers["content-disposition"]
    text = docx_text(response.content, tmp_path)
    assert reference in text and "A Person" in text and "Seven." in text

    response = await olive.post(
        f"/requests/{reference}/letter", {"kind": "response", "format": "docx", "published": "1"}
    )
    assert response.status_code == 200
    assert "A Person" not in docx_text(response.content, tmp_path), "the anonymised copy"
    rows = staff_register.query("SELECT kind, published FROM letters ORDER BY id")
    assert rows == [{"kind": "response", "published": 0}, {"kind": "response", "published": 1}]
    assert staff_register.scalar("SELECT actor FROM audit WHERE action = 'letter'") == "olive"


@pytest.mark.libreoffice
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
async def test_a_letter_downloads_as_pdf(app, sessions):
    olive = await sessions("olive")
    reference = await log_request(olive)
    await olive.get(f"/requests/{reference}")
    response = await olive.post(
        f"/requests/{reference}/letter", {"kind": "acknowledgement", "format": "pdf"}
    )
    assert response.status_code == 200, text_of(response)
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


async def test_an_unknown_letter_kind_is_refused(app, sessions):
    olive = await sessions("olive")
    reference = await log_request(olive)
    await olive.get(f"/requests/{reference}")
    response = await olive.post(f"/requests/{reference}/letter", {"kind": "ransom-note"})
    assert response.status_code == 400
    assert "unknown letter kind 'ransom-note'" in text_of(response)


# The login throttle's attacks are in tests/test_staff_security.py.


# -- two officers at once ------------------------------------------------------------------


async def test_a_stale_form_is_refused_not_overwritten(app, sessions, staff_register):
    olive, oscar = await sessions("olive"), await sessions("oscar")
    reference = await log_request(olive)
    olive_version = await olive.version(reference)
    oscar_version = await oscar.version(reference)
    assert olive_version == oscar_version

    response = await oscar.post(
        f"/requests/{reference}/answer",
        {"version": oscar_version, "number": 1, "text": "Oscar's answer."},
    )
    assert response.status_code == 302
    response = await olive.post(
        f"/requests/{reference}/answer",
        {"version": olive_version, "number": 1, "text": "Olive's answer."},
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "changed by oscar" in page and "not saved" in page
    assert "Olive's answer." in page, "her text is still in the form to reuse"
    assert staff_register.scalar("SELECT text FROM answers") == "Oscar's answer."


async def test_a_form_without_its_version_is_refused(app, sessions, staff_register):
    olive = await sessions("olive")
    reference = await log_request(olive)
    response = await olive.post(f"/requests/{reference}/answer", {"number": 1, "text": "x"})
    assert response.status_code == 409
    assert staff_register.scalar("SELECT count(*) FROM answers") == 0


async def test_a_change_from_the_command_line_also_makes_the_form_stale(
    app, sessions, staff_register
):
    """Another process (here a second connection, as the CLI opens) changes the request after
    the page was shown: the form is refused by the library's own transaction."""
    from foikit.casework.lifecycle import answer_question

    olive = await sessions("olive")
    reference = await log_request(olive)
    shown = await olive.version(reference)
    answer_question(staff_register, "cli.user", reference, 1, text="From the command line.")

    response = await olive.post(
        f"/requests/{reference}/answer", {"version": shown, "number": 1, "text": "Olive's."}
    )
    assert response.status_code == 409
    assert "changed by cli.user" in text_of(response)
    assert staff_register.scalar("SELECT text FROM answers") == "From the command line."
    answers_by_olive = staff_register.scalar(
        "SELECT count(*) FROM audit WHERE actor = 'olive' AND action = 'answer'"
    )
    assert answers_by_olive == 0, "nothing of Olive's answer in the audit trail"


@pytest.mark.parametrize("action", ["close", "clarify", "review-open"])
async def test_a_form_without_its_version_is_refused_before_its_fields(
    app, sessions, staff_register, action
):
    olive = await sessions("olive")
    reference = await log_request(olive)
    before = staff_register.scalar(WRITES)
    response = await olive.post(f"/requests/{reference}/{action}", {})
    assert response.status_code == 409, action
    assert "which version" in text_of(response)
    assert staff_register.scalar(WRITES) == before


async def test_downloading_a_letter_does_not_make_the_page_stale(app, sessions, staff_register):
    """A letter changes nothing an officer could overwrite, and the page is not reloaded."""
    olive = await sessions("olive")
    reference = await log_request(olive)
    shown = await olive.version(reference)
    response = await olive.post(
        f"/requests/{reference}/letter", {"kind": "acknowledgement", "format": "docx"}
    )
    assert response.status_code == 200, text_of(response)
    response = await olive.post(
        f"/requests/{reference}/answer", {"version": shown, "number": 1, "text": "Seven."}
    )
    assert response.status_code == 302, text_of(response)
    assert staff_register.scalar("SELECT text FROM answers") == "Seven."


# -- internal review -----------------------------------------------------------------------


async def test_reviewer_independence_is_enforced_in_the_browser(app, sessions, staff_register):
    olive = await sessions("olive")
    reference = await log_request(olive)
    await answer_all_and_close(olive, reference)

    response = await olive.act(
        reference, "review-open", {"received": "2021-06-20", "reviewer": "olive"}
    )
    assert response.status_code == 400
    assert "olive is an officer, not a reviewer" in text_of(response)
    assert staff_register.scalar("SELECT count(*) FROM reviews") == 0

    response = await olive.act(
        reference, "review-open", {"received": "2021-06-20", "reviewer": "rita"}
    )
    assert response.status_code == 302, text_of(response)

    page = text_of(await olive.get(f"/requests/{reference}"))
    assert "Decide the review" not in page, "an officer is not offered the decision"
    response = await olive.act(
        reference, "review-close", {"decided": "2021-06-25", "outcome": "upheld"}
    )
    assert response.status_code == 403, "nor may an officer post it"

    ray = await sessions("ray")
    response = await ray.act(
        reference, "review-close", {"decided": "2021-06-25", "outcome": "upheld"}
    )
    assert response.status_code == 403, "another reviewer may not decide rita's review"
    assert "rita's to decide" in text_of(response)

    rita = await sessions("rita")
    response = await rita.act(reference, "review-extend", {"reasons": "Many documents."})
    assert response.status_code == 302, text_of(response)
    assert staff_register.scalar("SELECT due FROM reviews") > "2021-07-19", "40 working days"
    response = await rita.act(
        reference,
        "review-close",
        {"decided": "2021-06-25", "outcome": "upheld", "reasons": "Properly applied."},
    )
    assert response.status_code == 302, text_of(response)
    review = staff_register.one("SELECT reviewer, decided, outcome FROM reviews")
    assert review == {"reviewer": "rita", "decided": "2021-06-25", "outcome": "upheld"}
    closer = staff_register.scalar("SELECT actor FROM audit WHERE action = 'review-close'")
    assert closer == "rita", "the audit trail names the reviewer who decided"


# -- the board -----------------------------------------------------------------------------


async def test_the_board_lists_open_work_most_urgent_first(app, sessions, staff_register):
    olive = await sessions("olive")
    late = await log_request(olive, received="2021-05-04", subject="Late one")
    soon = await log_request(olive, received="2021-06-07", subject="Soon one")
    fresh = await log_request(olive, received="2021-06-30", subject="Fresh one")
    waiting = await log_request(olive, received="2021-06-21", subject="Waiting one")
    await olive.act(waiting, "clarify", {"sent": "2021-06-22"})
    done = await log_request(olive, received="2021-06-01", subject="Done one")
    await answer_all_and_close(olive, done)

    page = text_of(await olive.get("/"))
    order = [m for m in re.findall(r"FOI-2021-\d{4}", page)]
    order = list(dict.fromkeys(order))
    assert order == [late, soon, fresh, waiting], "overdue, then due soonest; stopped last"
    assert done not in page, "closed requests are off the board"
    row = lambda ref: page.split(ref, 2)[-1].split("</tr>", 1)[0]  # noqa: E731
    assert "Overdue" in row(late)
    assert "Due this week" in row(soon)
    assert "On time" in row(fresh)
    assert "Awaiting clarification" in row(waiting)


async def test_a_request_in_review_is_back_on_the_board(app, sessions, staff_register):
    olive = await sessions("olive")
    reference = await log_request(olive)
    await answer_all_and_close(olive, reference)
    assert reference not in (await olive.get("/")).text
    await olive.act(reference, "review-open", {"received": "2021-06-28", "reviewer": "rita"})
    page = text_of(await olive.get("/"))
    assert reference in page and "In review" in page


async def test_publishing_the_disclosure_log(app, sessions, staff_register, tmp_path):
    import sqlite3

    olive = await sessions("olive")
    reference = await log_request(olive)
    await answer_all_and_close(olive, reference)
    page = await olive.get("/publish")
    assert page.status_code == 200 and "Publish now" in page.text
    response = await olive.post("/publish")
    assert response.status_code == 200, text_of(response)
    assert "Published 1 request" in text_of(response)
    with sqlite3.connect(tmp_path / "disclosure.db") as public:
        tables = {r[0] for r in public.execute("SELECT name FROM sqlite_master")}
        assert "requesters" not in tables and "users" not in tables
        dumped = "\n".join(public.iterdump())
    assert reference in dumped and "a.person@example.org" not in dumped


# -- the public log is not touched by the staff plugin -------------------------------------


async def test_a_plain_datasette_in_the_same_process_is_unaffected(app, tmp_path):
    from datasette.app import Datasette

    other = Datasette(memory=True)
    await other.invoke_startup()
    response = await other.client.get("/")
    assert response.status_code == 200
    response = await other.client.get("/login")
    assert response.status_code == 404, "the staff routes exist only on the staff app"


def test_the_staff_command_refuses_a_missing_register(invoke, db_path):
    result = invoke("staff", "--port", "0")
    assert result.exit_code == 1
    assert result.output.startswith("Error: no register at")
    assert "Traceback" not in result.output
