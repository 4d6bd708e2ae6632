"""Issue 14: the staff interface attacked as an outsider and as insiders with the wrong role.

Every attack of the issue is a row with a `why` naming the threat (docs/staff.md "Threat
model"): login CSRF, each form of open redirect, a cookie replayed after logout / a new password
/ a role change / disabling / the idle timeout, throttling that slows a guesser but still admits
the right password, a review extended or decided by the wrong person through the web and the
CLI, invisible-character reviewers, the debug pages, the audit of reading, the password hash
upgrade and letter previews. Real parts only: a register in tmp_path, Datasette's ASGI app over
httpx, the CLI through click.
"""

from __future__ import annotations

import datetime as dt
import shutil
from urllib.parse import quote, urlsplit

import httpx
import pytest
from test_staff import (
    PASSWORD,
    TEMPLATES,
    TODAY,
    Session,
    answer_all_and_close,
    log_request,
    template_register,  # noqa: F401  (a fixture)
    text_of,
)

from foikit.register import Register
from foikit.staff import make_staff_datasette
from foikit.staff.auth import SESSION_COOKIE, login_throttle


@pytest.fixture
def staff_register(template_register, db_path):  # noqa: F811
    shutil.copyfile(template_register, db_path)
    with Register(db_path) as reg:
        yield reg


@pytest.fixture
async def ds(staff_register, db_path, tmp_path):
    datasette = make_staff_datasette(
        db_path,
        secret="test-secret",
        responses_dir=tmp_path / "responses",
        disclosure_path=tmp_path / "disclosure.db",
        templates_dir=TEMPLATES,
        today=TODAY,
    )
    await datasette.invoke_startup()
    return datasette


class Browser(Session):
    """A Session from a chosen client address, optionally over HTTPS."""

    def __init__(self, app, client: str = "127.0.0.1", scheme: str = "http"):
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(client, 40000)),
            base_url=f"{scheme}://testserver",
        )
        self.token = None


@pytest.fixture
async def browsers(ds):
    made: list[Browser] = []
    app = ds.app()

    async def new(name: str | None = None, **kwargs) -> Browser:
        browser = Browser(app, **kwargs)
        made.append(browser)
        if name is not None:
            response = await browser.login(name)
            assert response.status_code == 302, text_of(response)
        return browser

    yield new
    for browser in made:
        await browser.client.aclose()


def session_cookie(browser: Browser) -> str:
    return browser.client.cookies.get(SESSION_COOKIE)


async def replay(ds, cookie: str) -> httpx.Response:
    """A fresh browser that carries only a copied session cookie."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=ds.app()), base_url="http://testserver"
    ) as thief:
        thief.cookies.set(SESSION_COOKIE, cookie)
        return await thief.get("/")


# -- login CSRF ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cookies, token, origin, expected, why",
    [
        (False, False, "https://evil.example", 403, "login CSRF: a cross-site form, no cookie"),
        (False, False, None, 403, "login CSRF: a cookie-less POST that asgi-csrf lets through"),
        (True, True, "https://evil.example", 403, "login CSRF: another site's Origin"),
        (True, False, None, 403, "the CSRF cookie without the form's token"),
        (True, True, None, 302, "the login page's own form"),
        (True, True, "http://testserver", 302, "the login page's own form, with its Origin"),
    ],
)
async def test_login_csrf(ds, browsers, staff_register, cookies, token, origin, expected, why):
    browser = await browsers()
    if cookies:
        await browser.get("/login")
    form = {"name": "olive", "password": PASSWORD, "next": "/"}
    if token:
        form["csrftoken"] = browser.token
    headers = {"origin": origin} if origin else {}
    response = await browser.client.post("/login", data=form, headers=headers)
    assert response.status_code == expected, why
    signed_in = SESSION_COOKIE in response.headers.get("set-cookie", "")
    assert signed_in is (expected == 302), why
    sessions = staff_register.scalar("SELECT count(*) FROM sessions")
    assert sessions == (1 if expected == 302 else 0), why


# -- open redirects ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "next_value, expected, why",
    [
        ("/\t/evil.example/", "/", "a tab the browser drops: //evil.example (the issue's %09)"),
        ("/\r\n/evil.example/", "/", "CR LF the browser drops"),
        ("/\r\nSet-Cookie: stolen=1", "/Set-Cookie:stolen=1", "header injection: CR LF removed"),
        ("//evil.example/", "/", "scheme-relative URL"),
        ("/\\evil.example/", "/", "a backslash browsers read as a slash"),
        ("\\\\evil.example", "/", "backslashes only"),
        ("https://evil.example/", "/", "an absolute URL"),
        ("javascript:alert(1)", "/", "a script URL"),
        (" //evil.example/", "/", "a leading space the browser drops"),
        ("/\u200b/evil.example/", "/", "a zero-width space"),
        ("\x00//evil.example/", "/", "a NUL"),
        ("evil.example", "/", "not a path"),
        ("/requests/FOI-2021-0001", "/requests/FOI-2021-0001", "a same-site path is kept"),
        ("/register/requests?_sort=due", "/register/requests?_sort=due", "with its query"),
    ],
)
async def test_next_is_only_ever_a_path_on_this_site(browsers, next_value, expected, why):
    browser = await browsers()
    page = await browser.get("/login?next=" + quote(next_value, safe=""))
    assert page.status_code == 200, why
    response = await browser.post(
        "/login", {"name": "olive", "password": PASSWORD, "next": next_value}
    )
    assert response.status_code == 302, why
    location = response.headers["location"]
    assert location == expected, why
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc and not location.startswith("//"), why
    assert "\r" not in location and "\n" not in location, why
    assert "stolen" not in response.headers.get("set-cookie", ""), why


async def test_the_login_page_carries_only_a_safe_next(browsers):
    browser = await browsers()
    page = await browser.get("/login?next=/%09/evil.example/")
    assert 'name="next" value="/"' in page.text, "the issue's %09 form is dropped on the page"


# -- sessions that end ----------------------------------------------------------------------


def _logout(reg, browser):
    return browser.post("/logout")


@pytest.mark.parametrize(
    "event, why",
    [
        ("logout", "a cookie copied before logout is dead after it"),
        ("password", "a new password (foikit users password) ends every session"),
        ("role", "a change of role ends the sessions of the old role"),
        ("disable", "disabling ends the sessions at once"),
        ("idle", "the idle timeout (setting staff.idle_minutes)"),
    ],
)
async def test_a_replayed_session_cookie_is_refused(
    ds, browsers, staff_register, invoke, event, why
):
    olive = await browsers("olive")
    cookie = session_cookie(olive)
    assert (await replay(ds, cookie)).status_code == 200, "the copy works while the session does"
    if event == "logout":
        assert (await olive.post("/logout")).status_code == 302
    elif event == "password":
        result = invoke("users", "password", "olive", "--password", "another long password")
        assert result.exit_code == 0, result.output
    elif event == "role":
        assert invoke("users", "role", "olive", "reviewer").exit_code == 0
    elif event == "disable":
        assert invoke("users", "disable", "olive").exit_code == 0
    elif event == "idle":
        assert invoke("settings", "set", "staff.idle_minutes", "30").exit_code == 0
        import sqlite3

        with sqlite3.connect(staff_register.path) as raw:  # the clock moves on 31 minutes
            old = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)).isoformat("T", "seconds")
            raw.execute("UPDATE sessions SET last_seen = ?", (old,))
    response = await replay(ds, cookie)
    assert response.status_code == 302 and response.headers["location"].startswith("/login"), why
    assert (await olive.get("/")).status_code == 302, why
    assert staff_register.scalar("SELECT ended_at IS NOT NULL FROM sessions") == 1, why


@pytest.mark.parametrize(
    "scheme, secure, why",
    [
        ("http", False, "plain HTTP on the office network"),
        ("https", True, "behind HTTPS the cookie is never sent in clear"),
    ],
)
async def test_the_session_cookie_attributes(browsers, staff_register, scheme, secure, why):
    browser = await browsers(scheme=scheme)
    response = await browser.login("olive")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie, why
    assert ("secure" in cookie) is secure, why
    token = session_cookie(browser)
    assert len(token) >= 40, "a random id of 256 bits"
    assert token not in staff_register.scalar("SELECT group_concat(token_hash) FROM sessions")
    assert token not in (staff_register.scalar("SELECT group_concat(new) FROM audit") or "")


async def test_a_forwarded_proto_counts_only_from_a_trusted_proxy(browsers, invoke):
    browser = await browsers()
    await browser.get("/login")
    form = {"name": "olive", "password": PASSWORD, "csrftoken": browser.token}
    headers = {"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9"}
    response = await browser.client.post("/login", data=form, headers=headers)
    assert "secure" not in response.headers["set-cookie"].lower(), "untrusted header ignored"
    assert invoke("settings", "set", "staff.trusted_proxies", "127.0.0.1").exit_code == 0
    response = await browser.client.post("/login", data=form, headers=headers)
    assert "secure" in response.headers["set-cookie"].lower(), "the proxy says HTTPS"


# -- throttling -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attack, then_name, then_from, first_status, why",
    [
        ([("olive", "198.51.100.7")] * 8, "olive", "10.1.1.1", 302,
         "a guesser elsewhere does not slow the owner at their own desk"),
        ([("olive", "10.1.1.1")] * 3, "olive", "10.1.1.1", 302,
         "three typos cost nothing"),
        ([("olive", "10.1.1.1")] * 6, "olive", "10.1.1.1", 429,
         "after six failures the next try waits, but only waits"),
        ([("Olive\u200b", "10.1.1.1")] * 6, "olive", "10.1.1.1", 429,
         "the account counts however it is written"),
        ([(f"made.up{i}", "198.51.100.7") for i in range(12)], "olive", "10.1.1.1", 302,
         "the issue's lockout weapon: made-up names shut nobody else out"),
        ([(f"made.up{i}", "10.1.1.1") for i in range(12)], "olive", "10.1.1.1", 429,
         "one address may make only so many attempts (12 here, 60 by default)"),
        ([(f"made.up{i}", "10.1.1.1") for i in range(12)], "olive", "10.1.1.2", 302,
         "the address limit is that address's alone"),
    ],
)  # fmt: skip
async def test_throttling_slows_a_guesser_and_still_admits_the_right_password(
    ds, browsers, attack, then_name, then_from, first_status, why
):
    now = [1000.0]
    throttle = login_throttle(ds)
    throttle.clock = lambda: now[0]
    throttle.per_client = 12  # the default 60 takes longer to reach, not differently
    by_address: dict[str, Browser] = {}
    for name, address in attack:
        if address not in by_address:
            by_address[address] = await browsers(client=address)
        response = await by_address[address].login(name, "wrong password!")
        assert response.status_code in (401, 429), why
    owner = await browsers(client=then_from)
    response = await owner.login(then_name)
    assert response.status_code == first_status, why
    if first_status == 429:
        assert "wait" in text_of(response) and int(response.headers["retry-after"]) >= 1, why
        assert SESSION_COOKIE not in response.headers.get("set-cookie", ""), why
        now[0] += 15 * 60  # the owner waits out the delay (at most the window)
        response = await owner.login(then_name)
        assert response.status_code == 302, f"{why}: after the delay the right password works"


@pytest.mark.parametrize(
    "failures, waits, why",
    [
        (3, 0, "the first three are free"),
        (4, 1, "then one second"),
        (5, 2, "doubling"),
        (8, 16, "doubling"),
        (20, 300, "capped at five minutes from the same address"),
    ],
)
def test_the_delay_grows_with_failures(failures, waits, why):
    from foikit.staff.auth import LoginThrottle

    throttle = LoginThrottle(clock=lambda: 0.0)
    for _ in range(failures):
        throttle.failed("olive", "10.0.0.1")
    assert throttle.wait("olive", "10.0.0.1") == waits, why
    assert throttle.wait("olive", "10.0.0.2") <= 30, "elsewhere, at most the account's cap"


@pytest.mark.parametrize(
    "attempts, every, then_wait, why",
    [
        (59, 1.0, 0.0, "under 60 attempts in 15 minutes: no wait"),
        (60, 1.0, 900.0 - 60, "the 60th attempt: wait until the oldest leaves the window"),
        (1000, 1.0, 900.0 - 60, "a flood: the wait is counted from the newest 60 (memory bounded)"),
        (60, 16.0, 0.0, "60 attempts spread over 16 minutes never wait"),
    ],
)
def test_the_address_limit_counts_attempts(attempts, every, then_wait, why):
    from foikit.staff.auth import LoginThrottle

    now = [0.0]
    throttle = LoginThrottle(clock=lambda: now[0])
    for _ in range(attempts):
        throttle.attempted("10.0.0.1")
        now[0] += every
    assert throttle.wait("anyone", "10.0.0.1") == pytest.approx(max(0.0, then_wait)), why
    assert len(throttle._attempts["10.0.0.1"]) <= 120, "bounded memory"
    assert throttle.wait("anyone", "10.0.0.2") == 0, "another address is not counted"


@pytest.mark.parametrize(
    "trusted, peer, forwarded, counted_as, why",
    [
        ("", "127.0.0.1", "203.0.113.5", "127.0.0.1", "no proxies trusted: the header is ignored"),
        ("127.0.0.1", "127.0.0.1", "203.0.113.5", "203.0.113.5", "the proxy's word is taken"),
        ("127.0.0.1", "127.0.0.1", "6.6.6.6, 203.0.113.5", "203.0.113.5",
         "a client-supplied hop to the left is not believed"),
        ("10.0.0.0/8", "10.2.3.4", "203.0.113.5, 10.9.9.9", "203.0.113.5",
         "a chain of trusted proxies is walked from the right"),
        ("127.0.0.1", "198.51.100.1", "203.0.113.5", "198.51.100.1",
         "a header from an untrusted peer is ignored"),
        ("127.0.0.1", "127.0.0.1", "not-an-address", "127.0.0.1", "a garbled header"),
    ],
)  # fmt: skip
def test_the_client_address_behind_trusted_proxies(trusted, peer, forwarded, counted_as, why):
    from foikit.staff.auth import client_address

    class Request:
        scope = {"client": (peer, 1234)}
        headers = {"x-forwarded-for": forwarded}

    assert client_address(Request(), trusted) == counted_as, why


# -- who may decide a review: web -------------------------------------------------------------


async def _case_in_review(browsers, handler: str = "olive", reviewer: str = "rita") -> str:
    officer = await browsers(handler)
    reference = await log_request(officer, handler=handler)
    await answer_all_and_close(officer, reference)
    response = await officer.act(
        reference, "review-open", {"received": "2021-06-20", "reviewer": reviewer}
    )
    assert response.status_code == 302, text_of(response)
    return reference


@pytest.mark.parametrize(
    "handler, actor, action, status, message, why",
    [
        ("olive", "ray", "review-extend", 403, "rita's to extend",
         "another reviewer may not extend someone else's review"),
        ("olive", "ray", "review-close", 403, "rita's to decide",
         "another reviewer may not decide someone else's review"),
        ("olive", "olive", "review-close", 403, "may not decide internal reviews",
         "the officer who handled it may not decide it"),
        ("ada", "ada", "review-close", 400, "took part in",
         "an administrator who handled the case may not decide its review (the issue's override)"),
        ("ada", "ada", "review-extend", 400, "took part in",
         "nor extend it"),
        ("olive", "ada", "review-close", 302, None,
         "an administrator who took no part may record the decision"),
        ("olive", "rita", "review-extend", 302, None, "the named reviewer extends"),
        ("olive", "rita", "review-close", 302, None, "the named reviewer decides"),
    ],
)  # fmt: skip
async def test_who_may_decide_a_review_on_the_web(
    browsers, staff_register, handler, actor, action, status, message, why
):
    reference = await _case_in_review(browsers, handler=handler)
    person = await browsers(actor)
    form = {"decided": "2021-06-25", "outcome": "upheld", "reasons": "Properly applied."}
    response = await person.act(reference, action, form)
    assert response.status_code == status, why
    review = staff_register.one("SELECT decided, extended FROM reviews")
    if message:
        assert message in text_of(response), why
        assert review == {"decided": None, "extended": 0}, f"{why}: nothing written"
    else:
        assert review != {"decided": None, "extended": 0}, why


# -- who may decide a review: CLI ------------------------------------------------------------


@pytest.fixture
def cli_case(staff_register, invoke):
    """A closed request handled by olive, in review with rita, on a register with accounts."""

    def make(handler: str = "olive") -> str:
        result = invoke(
            "request", "add", "--received", "2021-06-01", "--subject", "CSPs",
            "--question", "How many?", "--handler", handler, "--by", handler,
            "--requester-name", "A Person", "--requester-email", "a@example.org",
            "--today", "2021-07-01",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        reference = result.output.strip().splitlines()[-1]
        for args in (
            ("request", "answer", reference, "1", "--text", "Seven.", "--by", handler),
            ("request", "close", reference, "--responded", "2021-06-10", "--outcome",
             "granted-in-full", "--by", handler, "--today", "2021-07-01"),
            ("review", "open", reference, "--received", "2021-06-20", "--reviewer", "rita",
             "--by", handler, "--today", "2021-07-01"),
        ):  # fmt: skip
            result = invoke(*args)
            assert result.exit_code == 0, result.output
        return reference

    return make


@pytest.mark.parametrize(
    "handler, by, command, ok, message, why",
    [
        ("olive", "ray", "close", False, "rita's to decide", "another reviewer, from the CLI"),
        ("olive", "ray", "extend", False, "rita's to extend", "extending, from the CLI"),
        ("olive", "olive", "close", False, "rita's to decide",
         "the handler, from the CLI (foikit review close did not check at all)"),
        ("olive", "RITA\u200b", "close", True, None, "the reviewer however --by is written"),
        ("ada", "ada", "close", False, "took part in", "an administrator who handled it"),
        ("olive", "ada", "close", True, None, "an administrator who took no part"),
        ("olive", "someone.else", "close", False, "rita's to decide", "a name with no account"),
    ],
)  # fmt: skip
def test_who_may_decide_a_review_from_the_cli(
    cli_case, invoke, staff_register, handler, by, command, ok, message, why
):
    reference = cli_case(handler)
    if command == "close":
        args = ["review", "close", reference, "--decided", "2021-06-25", "--outcome", "upheld",
                "--reasons", "Properly applied.", "--today", "2021-07-01"]  # fmt: skip
    else:
        args = ["review", "extend", reference, "--reason", "Voluminous."]
    result = invoke(*args, "--by", by)
    if ok:
        assert result.exit_code == 0, f"{why}: {result.output}"
        return
    assert result.exit_code == 1, why
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("Error: ") and message in line, f"{why}: {line}"
    assert "Traceback" not in result.output
    assert staff_register.one("SELECT decided, extended FROM reviews") == {
        "decided": None,
        "extended": 0,
    }, why


# -- who may be named reviewer --------------------------------------------------------------


@pytest.mark.parametrize(
    "accounts, reviewer, stored, error, why",
    [
        (True, "rita", "rita", None, "an active reviewer"),
        (True, "rita\u200b", "rita", None, "a zero-width space is invisible: still rita"),
        (True, "RITA", "rita", None, "case folded: the account's own name is stored"),
        (True, "\uff52\uff49\uff54\uff41", "rita", None, "full-width letters (NFKC)"),
        (True, "ada", "ada", None, "an administrator may review"),
        (True, "no.such.person", None, "no staff account called 'no.such.person'",
         "the issue's made-up reviewer"),
        (True, "oscar", None, "oscar is an officer, not a reviewer", "an officer"),
        (True, "ray", None, "ray's account is disabled", "a disabled reviewer"),
        (True, "\u200b", None, "a review needs a reviewer", "only an invisible character"),
        (False, "a.senior", "a.senior", None, "a CLI-only register takes names as given"),
        (False, "a.senior\u200b\u00ad", "a.senior", None, "cleaned of invisible characters"),
        (False, "OLIVE\u200b", None, "took part in", "the handler disguised, no accounts"),
        (True, "olive\u2060", None, "officer", "the handler disguised, with accounts"),
    ],
)  # fmt: skip
def test_who_may_be_named_reviewer(staff_register, accounts, reviewer, stored, error, why):
    from foikit.casework.lifecycle import add_request, answer_question, close_request
    from foikit.casework.reviews import open_review
    from foikit.errors import FoikitError
    from foikit.register.users import set_active

    reg = staff_register
    if not accounts:
        import sqlite3

        with sqlite3.connect(reg.path) as raw:  # a register used from the command line alone
            raw.execute("DELETE FROM users")
    else:
        set_active(reg, "ray", False, actor="ada")
    ref = add_request(reg, "olive", received="2021-06-01", subject="CSPs",
                      questions=["How many?"], handler="olive", today=TODAY,
                      requester_name="A Person", requester_email="a@example.org")  # fmt: skip
    answer_question(reg, "olive", ref, 1, text="Seven.")
    close_request(reg, "olive", ref, responded="2021-06-10", outcome="granted-in-full",
                  today=TODAY)  # fmt: skip
    if error:
        with pytest.raises(FoikitError, match=error.replace("(", r"\(").replace(")", r"\)")):
            open_review(reg, "olive", ref, received="2021-06-20", reviewer=reviewer, today=TODAY)
        assert reg.scalar("SELECT count(*) FROM reviews") == 0, why
    else:
        open_review(reg, "olive", ref, received="2021-06-20", reviewer=reviewer, today=TODAY)
        assert reg.scalar("SELECT reviewer FROM reviews") == stored, why


@pytest.mark.parametrize(
    "a, b, same, why",
    [
        ("ravi.quenby", "ravi.quenby\u200b", True, "the issue's invisible character"),
        ("ravi.quenby", "\ufeffRavi.Quenby", True, "a byte-order mark and capitals"),
        ("ravi.quenby", "ravi\u00ad.quenby", True, "a soft hyphen"),
        ("ravi.quenby", "ｒａｖｉ.quenby", True, "full-width letters"),
        ("ravi.quenby", "ravi.quenby2", False, "a different name"),
        ("ravi.quenby", "rаvi.quenby", False, "a Cyrillic а is another letter, not invisible"),
        ("", "\u200b", False, "nobody is not somebody"),
    ],
)
def test_people_are_compared_as_people_read_them(a, b, same, why):
    from foikit.register.people import same_person

    assert same_person(a, b) is same, why


# -- debug and introspection pages ----------------------------------------------------------


@pytest.mark.parametrize(
    "path, why",
    [
        ("/-/allow-debug", "answered anonymous visitors (the issue)"),
        ("/-/databases.json", "shows the register's path on disk (the issue)"),
        ("/-/databases", "the same, as a page"),
        ("/-/metadata.json", "plugin configuration: the register's path"),
        ("/-/settings.json", "server settings"),
        ("/-/versions.json", "software versions for an attacker's shopping list"),
        ("/-/plugins.json", "installed plugins"),
        ("/-/threads.json", "server internals"),
        ("/-/actor.json", "the session's actor"),
        ("/-/permissions", "the permission debugger"),
        ("/-/messages", "the message debugger"),
        ("/.json", "the databases, with their paths"),
        ("/register/sessions", "who is logged in, and from where"),
    ],
)
async def test_introspection_pages_are_for_administrators_only(browsers, path, why):
    anonymous = await browsers()
    response = await anonymous.client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["location"], why
    olive = await browsers("olive")
    response = await olive.client.get(path)
    assert response.status_code == 403, why
    assert "register.db" not in response.text, why
    ada = await browsers("ada")
    response = await ada.client.get(path)
    assert response.status_code in (200, 302), f"{why}: administrators may look"


async def test_static_files_stay_open(browsers):
    anonymous = await browsers()
    page = await anonymous.get("/login")
    assert page.status_code == 200
    response = await anonymous.client.get("/-/static/app.css")
    assert response.status_code == 200, "the login page's own styles"


# -- the audit of reading -------------------------------------------------------------------


async def test_reading_and_exporting_personal_data_is_audited(browsers, staff_register):
    olive = await browsers("olive")
    reference = await log_request(olive)
    assert (await olive.get(f"/requests/{reference}")).status_code == 200
    csv = await olive.client.get("/register/requests.csv")
    assert csv.status_code == 200
    table = await olive.client.get("/register/requesters")
    assert table.status_code == 200
    intruder = await browsers()
    await intruder.login("olive", "not her password")
    rows = staff_register.query(
        "SELECT actor, action, row_id FROM audit WHERE table_name IN ('reads', 'sessions')"
        " AND action != 'session-seen' ORDER BY id"
    )
    seen = {(r["actor"], r["action"]) for r in rows}
    assert ("olive", "login") in seen, "logins"
    assert ("olive", "read-requester") in seen, "who opened a requester's details"
    assert ("olive", "export-csv") in seen, "who exported CSV"
    assert ("olive", "read-table") in seen, "who browsed the requesters table"
    assert ("anonymous", "login-failed") in seen, "failed logins, with the name tried"
    assert any(r["row_id"] == reference for r in rows if r["action"] == "read-requester")
    involved = staff_register.scalar(
        "SELECT count(*) FROM audit WHERE table_name = 'reads' AND request_id IS NOT NULL"
    )
    assert involved == 0, "a read never makes the reader 'involved' in the request"

    page = await olive.client.get("/audit/reads")
    assert page.status_code == 403, "officers do not read the audit of reading"
    ada = await browsers("ada")
    page = await ada.get("/audit/reads")
    assert page.status_code == 200
    text = text_of(page)
    for words in ("opened a requester's details", "exported CSV", "failed to log in",
                  "logged in", reference):  # fmt: skip
        assert words in text, words


# -- hashes ---------------------------------------------------------------------------------


async def test_an_old_scrypt_hash_is_upgraded_at_the_next_login(browsers, staff_register):
    from foikit.register.users import scrypt_hash

    with staff_register.transaction("test.setup") as tx:
        user_id = staff_register.scalar("SELECT id FROM users WHERE name = 'olive'")
        tx.update("users", user_id, {"password_hash": scrypt_hash(PASSWORD)})
    wrong = await browsers()
    assert (await wrong.login("olive", "not the password")).status_code == 401
    stored = staff_register.scalar("SELECT password_hash FROM users WHERE name = 'olive'")
    assert stored.startswith("scrypt$"), "a wrong password upgrades nothing"
    await browsers("olive")
    stored = staff_register.scalar("SELECT password_hash FROM users WHERE name = 'olive'")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$"), "OWASP's argon2id parameters"
    assert await browsers("olive"), "and the password still works"


# -- letter preview versus letter sent -------------------------------------------------------


async def test_a_preview_is_not_a_letter_sent(browsers, staff_register, tmp_path):
    from foikit.letters import needing_letter

    olive = await browsers("olive")
    reference = await log_request(olive)
    rita = await browsers("rita")
    await rita.get(f"/requests/{reference}")
    response = await rita.post(
        f"/requests/{reference}/letter", {"kind": "acknowledgement", "preview": "1"}
    )
    assert response.status_code == 200, text_of(response)
    assert "-draft" in response.headers["content-disposition"], "a preview says so in its name"
    assert staff_register.one("SELECT draft FROM letters") == {"draft": 1}
    assert reference in needing_letter(staff_register, "acknowledgement"), "still to be sent"
    await answer_all_and_close(olive, reference)
    response = await olive.act(
        reference, "review-open", {"received": "2021-06-20", "reviewer": "rita"}
    )
    assert response.status_code == 302, "previewing a letter did not make rita 'involved'"


def test_a_preview_never_overwrites_a_sent_letter(staff_register, invoke, tmp_path):
    from foikit.casework.lifecycle import add_request

    ref = add_request(staff_register, "olive", received="2021-06-01", subject="CSPs",
                      questions=["How many?"], handler="olive", today=TODAY,
                      requester_name="A Person", requester_email="a@example.org")  # fmt: skip
    sent = tmp_path / "sent.docx"
    result = invoke("letter", ref, "acknowledgement", "--out", sent, "--by", "olive")
    assert result.exit_code == 0, result.output
    before = sent.read_bytes()
    result = invoke("letter", ref, "acknowledgement", "--draft", "--out", sent, "--by", "olive")
    assert result.exit_code == 1
    assert "never written over" in result.output and "Traceback" not in result.output
    assert sent.read_bytes() == before, "the sent letter is untouched"


# -- the reviewer rules hold for imports ------------------------------------------------------


@pytest.mark.parametrize(
    "reviewer, decided, error, why",
    [
        ("rita", "", None, "an open review with a reviewer account"),
        ("olive\u200b", "2021-06-30", "is the request's handler", "the handler, disguised"),
        ("no.such.person", "", "no staff account called", "an open review nobody can decide"),
        ("oscar", "", "officer, not a reviewer", "an officer named to review"),
        ("a.former.colleague", "2021-06-30", None, "a past review keeps its reviewer's name"),
    ],
)
def test_imported_reviews_follow_the_reviewer_rules(
    staff_register, tmp_path, reviewer, decided, error, why
):
    import csv

    from foikit.records.importer import import_csv

    row = {
        "received": "2021-06-01", "subject": "CSPs", "requester_name": "A Person",
        "requester_email": "a@example.org", "question 1": "How many?", "answer 1": "Seven.",
        "responded": "2021-06-10", "outcome": "granted-in-full", "handler": "olive",
        "review_received": "2021-06-20", "reviewer": reviewer, "review_decided": decided,
        "review_outcome": "upheld" if decided else "",
    }  # fmt: skip
    path = tmp_path / "old.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    if error is None:
        import_csv(staff_register, "ada", path, today=TODAY)
        stored = staff_register.scalar("SELECT reviewer FROM reviews")
        assert stored == reviewer, why
    else:
        from foikit.errors import FoikitError

        with pytest.raises(FoikitError) as raised:
            import_csv(staff_register, "ada", path, today=TODAY)
        report = getattr(raised.value, "report", None)
        text = str(raised.value) + " ".join(str(p) for p in getattr(report, "problems", []))
        assert error in text, f"{why}: {text}"
        assert staff_register.scalar("SELECT count(*) FROM reviews") == 0, why
