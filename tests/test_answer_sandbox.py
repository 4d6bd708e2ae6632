"""Hostile answer texts, driven through every path an answer takes: the regression corpus for the
answer sandbox.

An officer's answer is a Jinja template over the register's figures. Each hostile answer in
tests/answer_attacks.py (with the threat it stands for) is

a. entered through `foikit request answer REF N --text TEXT` and through the staff interface's
   answer form: refused (exit 1 with one `Error:` line; a 400 page) or stored and, rendered,
   harmless;
b. planted straight into the register (an old register, or a bypass of the entry check) and
   rendered by `foikit letter` (response and refusal, plain, --published and --draft, and an
   acknowledgement), `foikit publish`, and the staff interface's letter download and Publish;
   each must end within STEP_SECONDS with exit 0, or exit 1 and one `Error:` line (staff: a page,
   never a 500);
c. afterwards: no password hash, login name, other requester's details, /etc/passwd line or
   schema text in any letter (unzipped), disclosure.db, page or CLI output, and no traceback; no
   Python object repr in a letter or the log; the requester's own details in no published copy;
   the `users` and `requesters` tables unchanged and the `audit` table only grown by the rows
   letters (and an accepted answer) write; no file written beside the register but letters and
   the log; request A's other answer still in its response letters.

Each case runs in a forked child (everything already imported, so it is quick), which reports
each step over a pipe; a step still running after STEP_SECONDS is killed and the case fails
(later steps are then skipped, so a hang shows one step, the first). A memory limit keeps a
gigabyte string from taking the machine. The register is built once per module and copied for
each case; the cases pytest selected run a CPU's worth at a time, ahead of their tests, on
/dev/shm when it can be written. The harness is checked on a benign answer (every path renders it)
and on a planted leak, write, stray file and hang (each is found).
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import hashlib
import html
import io
import os
import pickle
import re
import select
import shutil
import signal
import sqlite3
import struct
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from answer_attacks import ATTACKS, Attack
from click.testing import CliRunner
from lifecycle_support import OFFICER, TODAY, add, fresh_register

from foikit.letters.folders import PACKAGE_TEMPLATES

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE_TEMPLATES  # the letter templates foikit ships
FIGURES_CSV = ROOT / "foikit" / "register" / "data" / "figures.csv"

STEP_SECONDS = 10.0
MEMORY_HEADROOM = 3 * 2**30  # what a child may allocate beyond what it inherits

PASSWORD = "correct horse battery staple 42"
ADMIN = "quokka.admin"  # `foikit users add ... --role administrator`
STAFF_USER = "numbat.staff"  # logs in to the staff interface
# The requester of the requests the hostile answers sit in: fine in their own letter, never in a
# published copy.
VICTIM_NAME = "Araminta Voss"
VICTIM_EMAIL = "araminta.voss@example.org"
# Somebody else entirely: must never appear anywhere an answer can reach.
OTHER_NAME = "Zebedee Quackenbush"
OTHER_EMAIL = "zebedee.quackenbush@hushmail.example"
OTHER_SUBJECT = "Wobbegong sightings"
OTHER_QUESTION = "Did an officer visit 14 Larkspur Close on 2 May?"

BENIGN_COUNT = "There are {{ csps|length }} CSPs."
BENIGN_FIGURE = (
    "Sandwell claimed {{ figure('dhr', 'claimed', area='Sandwell', period='2019-20') }}."
)
INTACT = "All of them."  # request A's second answer: every rendered letter of A still has it

# Every name of the letter context an answer could walk through.
CONTEXT_NAMES = (
    "figure",
    "csps",
    "figures",
    "request",
    "office",
    "ico",
    "today",
    "regime",
    "requester",
    "review",
    "exemptions",
    "event",
)

# What only a reach into Python internals puts in a letter or the public log. (An error message
# an officer sees may name a type: a refusal is not a leak.)
INTERNALS = (
    "object at 0x",
    "<function ",
    "<bound method",
    "<built-in",
    "<class '",
    "<module '",
    "<TemplateReference",
    "functools.partial",
)
TRACEBACK = "Traceback (most recent call last)"
MUTATED = "MUTATED"  # printed by the mutation attacks only when the mutation took effect
SCHEMA = ("password_hash", "CREATE TABLE users", "CREATE TABLE requesters", "CREATE TABLE audit")
PASSWD = "root:x:0:0"


# -- the register ----------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    template: Path
    response: str  # A: closed, two answers; the hostile text is planted in answer 1
    refusal: str  # B: closed, refused under s.12; the hostile text is planted as its advice
    other: str  # C: someone else's open request
    entry: str  # D: open, one question: the CLI answer goes here
    staff_entry: str  # E: open, one question: the staff interface's answer goes here
    ids: dict[str, int]  # request id by reference
    hashes: dict[str, str]  # password hash by login name
    page_cache: Path  # compiled staff-page templates, shared by the children (speed only)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    from foikit.casework.lifecycle import answer_question, close_request
    from foikit.cli import cli

    folder = tmp_path_factory.mktemp("answer-sandbox")
    path = folder / "template.db"
    victim = {"requester_name": VICTIM_NAME, "requester_email": VICTIM_EMAIL}
    with fresh_register(path) as reg:
        a = add(reg, **victim)
        answer_question(reg, OFFICER, a, 1, text="Seven.")
        answer_question(reg, OFFICER, a, 2, text=INTACT)
        close_request(
            reg, OFFICER, a, responded=dt.date(2024, 6, 20), outcome="granted-in-full", today=TODAY
        )
        b = add(reg, subject="Every review", questions=["Every DHR since 2011, please."], **victim)
        answer_question(
            reg,
            OFFICER,
            b,
            1,
            text="Ask for one year only.",
            exemptions=[("12", "About 40 hours of searching.", None)],
        )
        close_request(
            reg, OFFICER, b, responded=dt.date(2024, 6, 20), outcome="withheld-in-full", today=TODAY
        )
        c = add(
            reg,
            subject=OTHER_SUBJECT,
            questions=[OTHER_QUESTION],
            requester_name=OTHER_NAME,
            requester_email=OTHER_EMAIL,
        )
        d = add(reg, subject="CSPs", questions=["How many CSPs are there?"], **victim)
        e = add(reg, subject="CSP count", questions=["How many CSPs are there?"], **victim)
        ids = {r["reference"]: r["id"] for r in reg.query("SELECT id, reference FROM requests")}
    runner = CliRunner()
    for name, role in ((ADMIN, "administrator"), (STAFF_USER, "officer")):
        result = runner.invoke(
            cli, ["--db", str(path), "users", "add", name, "--role", role, "--password", PASSWORD]
        )
        assert result.exit_code == 0, result.output
    with closing(sqlite3.connect(path)) as conn:
        hashes = dict(conn.execute("SELECT name, password_hash FROM users").fetchall())
    assert set(hashes) == {ADMIN, STAFF_USER}
    _warm()
    (folder / "page-cache").mkdir()
    return World(path, a, b, c, d, e, ids, hashes, folder / "page-cache")


def _warm() -> None:
    """Import what the paths use and compile the letter templates once, here, so that each
    forked child inherits them instead of loading them again (no thread is started here)."""
    import datasette.app  # noqa: F401
    import docx  # noqa: F401
    import httpx  # noqa: F401

    import foikit.letters  # noqa: F401
    import foikit.publishing.build  # noqa: F401
    import foikit.staff.pages  # noqa: F401
    from foikit.letters.docx import environment, load_template
    from foikit.staff import register_plugin

    environment()
    environment(autoescape=False)
    register_plugin()
    for path in TEMPLATES.glob("*.docx"):
        load_template(path)


@pytest.fixture(autouse=True)
def shipped_templates(monkeypatch):
    monkeypatch.setenv("FOIKIT_TEMPLATES", str(TEMPLATES))


@pytest.fixture
def case_db(world, db_path) -> Path:
    """A fresh copy of the module's register at $FOIKIT_DB (tmp_path/register.db)."""
    shutil.copyfile(world.template, db_path)
    return db_path


def plant(db: Path, reference: str, number: int, text: str) -> None:
    """Write an answer's text straight into the register, past every check."""
    with closing(sqlite3.connect(db)) as conn, conn:
        changed = conn.execute(
            "UPDATE answers SET text = ? WHERE question_id = (SELECT q.id FROM questions q"
            " JOIN requests r ON r.id = q.request_id WHERE r.reference = ? AND q.number = ?)",
            (text, reference, number),
        ).rowcount
    assert changed == 1, f"no answer {number} of {reference} to plant into"


@dataclass(frozen=True)
class Snapshot:
    users: list[tuple]
    requesters: list[tuple]
    audit_upto: int  # the last audit id when the case began
    audit_digest: str  # of every audit row up to it, as they are now
    audit_new: list[tuple]  # the rows after it: (id, at, actor, action, table_name, row_id, ...)


def snapshot(db: Path, upto: int | None = None) -> Snapshot:
    """The users and requesters tables, and the audit table as a digest of the rows that were
    there (up to `upto`, default all) plus the rows added since."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:

        def rows(table: str) -> list[tuple]:
            return conn.execute(f"SELECT * FROM [{table}] ORDER BY id").fetchall()

        audit = rows("audit")
        if upto is None:
            upto = audit[-1][0] if audit else 0
        old = [r for r in audit if r[0] <= upto]
        digest = hashlib.sha256(repr(old).encode()).hexdigest()
        new = [r for r in audit if r[0] > upto]
        return Snapshot(rows("users"), rows("requesters"), upto, digest, new)


def figure_from_csv(topic: str, measure: str, area: str, period: str) -> str:
    with FIGURES_CSV.open(newline="", encoding="utf-8") as f:
        found = [
            r["value"]
            for r in csv.DictReader(f)
            if (r["topic"], r["measure"], r["area"], r["period"]) == (topic, measure, area, period)
        ]
    assert len(found) == 1, found
    value = float(found[0])
    return str(int(value)) if value.is_integer() else str(value)


# -- running cases in forked children ---------------------------------------------------------


@dataclass
class Step:
    name: str
    kind: str  # cli | staff
    published: bool = False  # output meant for the public: the requester's details must not show
    exit_code: int | None = None
    output: str = ""
    status: int | None = None  # staff: the HTTP status
    body: bytes = b""
    content_type: str = ""
    unexpected: str | None = None  # the traceback of an exception that escaped
    seconds: float = 0.0
    after: Snapshot | None = None


@dataclass
class CaseRun:
    steps: list[Step] = field(default_factory=list)
    hung: str | None = None  # the step killed after STEP_SECONDS
    died: str | None = None  # the child ended without finishing a step
    harness_error: str | None = None  # a bug in this file, not in foikit


def _send(fd: int, obj: Any) -> None:
    data = pickle.dumps(obj)
    view = memoryview(struct.pack("!Q", len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _limit_memory() -> None:
    import resource

    found = re.search(r"VmSize:\s+(\d+) kB", Path("/proc/self/status").read_text())
    if found:
        limit = int(found.group(1)) * 1024 + MEMORY_HEADROOM
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@dataclass
class Case:
    """One hostile answer on its own copy of the register, run by a forked child that reports
    each step over a pipe."""

    key: str
    text: str
    tmp: Path
    before: Snapshot | None = None
    pid: int = 0
    fd: int = -1
    buffer: bytes = b""
    current: str | None = None  # the step running now
    since: float = 0.0  # when it started (or when the child did)
    run: CaseRun = field(default_factory=CaseRun)
    problems: list[str] = field(default_factory=list)

    def start(self, world: World) -> None:
        db = self.tmp / "register.db"
        shutil.copyfile(world.template, db)
        plant(db, world.response, 1, self.text)
        plant(db, world.refusal, 1, self.text)
        self.before = snapshot(db)
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 0
            try:
                os.close(read_fd)
                os.environ.update(
                    FOIKIT_DB=str(db),
                    FOIKIT_RESPONSES=str(self.tmp / "responses"),
                    FOIKIT_TEMPLATES=str(TEMPLATES),
                    FOIKIT_USER="test.officer",
                )
                os.chdir(self.tmp)
                _limit_memory()
                scenario(world, self.tmp, self.text)(lambda message: _send(write_fd, message))
            except BaseException:
                code = 3
                with suppress(BaseException):
                    _send(write_fd, ("harness-error", traceback.format_exc()))
            finally:
                os._exit(code)
        os.close(write_fd)
        self.pid, self.fd, self.since = pid, read_fd, time.monotonic()

    def deadline(self) -> float:
        return self.since + (STEP_SECONDS + 0.5 if self.current else 60.0)

    def feed(self) -> bool:
        """Read what the child sent; False once it has closed the pipe."""
        chunk = os.read(self.fd, 1 << 20)
        self.buffer += chunk
        while len(self.buffer) >= 8:
            (size,) = struct.unpack("!Q", self.buffer[:8])
            if len(self.buffer) < 8 + size:
                break
            data, self.buffer = self.buffer[8 : 8 + size], self.buffer[8 + size :]
            kind, payload = pickle.loads(data)
            if kind == "start":
                self.current, self.since = payload, time.monotonic()
            elif kind == "done":
                self.run.steps.append(payload)
                self.current, self.since = None, time.monotonic()
            elif kind == "harness-error":
                self.run.harness_error = payload
        return bool(chunk)

    def finish(self, world: World, *, kill: bool = False) -> None:
        if kill:
            self.run.hung = self.current or "(between steps)"
            os.kill(self.pid, signal.SIGKILL)
        os.close(self.fd)
        _, status = os.waitpid(self.pid, 0)
        if not kill and self.current is not None:
            self.run.died = f"{self.current} (child status {status})"
        assert self.before is not None
        self.problems = judge(self.run, world, self.tmp, self.before)


class Runner:
    """Runs cases in forked children, `width` at a time, from this (single) thread: children are
    only ever forked from here, and each child's steps are timed from the pipe."""

    def __init__(self, world: World, width: int = 1):
        self.world = world
        self.width = width
        self.queue: list[Case] = []
        self.running: list[Case] = []
        self.done: dict[str, Case] = {}

    def add(self, case: Case) -> None:
        self.queue.append(case)

    def result(self, key: str) -> Case:
        while key not in self.done:
            wanted = [c for c in self.queue if c.key == key]
            if wanted and key not in [c.key for c in self.running]:
                self.queue.remove(wanted[0])
                self.queue.insert(0, wanted[0])
            while self.queue and len(self.running) < self.width:
                case = self.queue.pop(0)
                case.start(self.world)
                self.running.append(case)
            if not self.running:
                raise KeyError(key)
            self._pump()
        return self.done.pop(key)

    def _pump(self) -> None:
        wait = max(0.0, min(c.deadline() for c in self.running) - time.monotonic())
        ready, _, _ = select.select([c.fd for c in self.running], [], [], wait)
        for case in list(self.running):
            if case.fd in ready and not case.feed():
                self._retire(case, kill=False)
            elif time.monotonic() > case.deadline():
                self._retire(case, kill=True)

    def _retire(self, case: Case, *, kill: bool) -> None:
        self.running.remove(case)
        case.finish(self.world, kill=kill)
        self.done[case.key] = case

    def close(self) -> None:
        for case in self.running:
            os.kill(case.pid, signal.SIGKILL)
            os.close(case.fd)
            os.waitpid(case.pid, 0)
        self.running.clear()


def run_case(world: World, tmp: Path, text: str) -> Case:
    """One case, now (for the tests that are not the corpus)."""
    runner = Runner(world)
    runner.add(Case("case", text, tmp))
    return runner.result("case")


# -- what the child does -----------------------------------------------------------------------


class Session:
    """One browser on the staff interface (as tests/test_staff.py): cookies and CSRF token."""

    def __init__(self, app: Any):
        import httpx

        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )
        self.token: str | None = None

    def _remember(self, response: Any) -> None:
        found = re.search(r'name="csrftoken" value="([^"]+)"', response.text)
        if found:
            self.token = found.group(1)

    async def get(self, path: str) -> Any:
        response = await self.client.get(path)
        self._remember(response)
        return response

    async def post(self, path: str, data: dict[str, Any]) -> Any:
        if self.token is None:
            await self.get("/login")
        response = await self.client.post(path, data={**data, "csrftoken": self.token})
        if "html" in response.headers.get("content-type", ""):
            self._remember(response)
        return response

    async def version(self, reference: str) -> str:
        page = await self.get(f"/requests/{reference}")
        found = re.search(r'data-version="([^"]+)"', page.text)
        assert found, f"no version on the page of {reference} ({page.status_code})"
        return found.group(1)


# (reference attribute, kind, flags, published)
CLI_LETTERS = (
    ("response", "response", (), False),
    ("response", "response", ("--published",), True),
    ("response", "response", ("--draft",), False),
    ("response", "acknowledgement", (), False),
    ("refusal", "refusal", (), False),
    ("refusal", "refusal", ("--published",), True),
    ("refusal", "refusal", ("--draft",), False),
)


def scenario(world: World, tmp: Path, text: str) -> Callable[[Callable[[Any], None]], None]:
    """Every path the answer `text` takes; A's and B's answers were planted beforehand."""
    db = tmp / "register.db"

    def run(emit: Callable[[Any], None]) -> None:
        from foikit.cli import cli

        runner = CliRunner()
        upto = snapshot(db).audit_upto

        def timed(step: Step, work: Callable[[Step], None]) -> Step:
            emit(("start", step.name))
            started = time.monotonic()
            try:
                work(step)
            except BaseException:
                step.unexpected = traceback.format_exc()
            step.seconds = time.monotonic() - started
            step.after = snapshot(db, upto)
            emit(("done", step))
            return step

        def invoke(name: str, *args: Any, published: bool = False) -> Step:
            def work(step: Step) -> None:
                result = runner.invoke(cli, [str(a) for a in args], catch_exceptions=True)
                step.exit_code = result.exit_code
                step.output = result.output
                if result.exception is not None and not isinstance(result.exception, SystemExit):
                    step.unexpected = "".join(traceback.format_exception(result.exception))

            return timed(Step(name, "cli", published), work)

        # a. the CLI's answer entry, and what an accepted answer renders to
        entry = invoke("cli: request answer", "request", "answer", world.entry, "1", "--text", text)
        if entry.exit_code == 0:
            invoke("cli: letter of the accepted answer", "letter", world.entry, "response")
        # b. the planted answers, through every letter and the log
        for attr, kind, flags, published in CLI_LETTERS:
            ref = getattr(world, attr)
            invoke(f"cli: letter {kind} {' '.join(flags)}".strip(), "letter", ref, kind, *flags,
                   published=published)  # fmt: skip
        invoke("cli: publish", "publish", "--out", tmp / "disclosure.db", published=True)

        # the staff interface: its answer form, letter downloads and Publish
        loop = asyncio.new_event_loop()
        browser: dict[str, Session] = {}

        def staff(name: str, action: Callable[[Session], Any], published: bool = False) -> Step:
            def work(step: Step) -> None:
                if "session" not in browser:
                    from foikit.staff import make_staff_datasette

                    ds = make_staff_datasette(
                        db,
                        secret="answer-sandbox",
                        responses_dir=tmp / "staff-responses",
                        disclosure_path=tmp / "staff-disclosure.db",
                        templates_dir=TEMPLATES,
                        today=TODAY,
                    )
                    if hasattr(ds, "jinja_env"):  # compile the staff pages once, not per child
                        from jinja2 import FileSystemBytecodeCache

                        ds.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(world.page_cache))
                    loop.run_until_complete(ds.invoke_startup())
                    session = Session(ds.app())
                    loop.run_until_complete(session.get("/login"))
                    login = loop.run_until_complete(
                        session.post("/login", {"name": STAFF_USER, "password": PASSWORD})
                    )
                    assert login.status_code == 302, f"staff login failed: {login.status_code}"
                    browser["session"] = session
                response = loop.run_until_complete(action(browser["session"]))
                step.status = response.status_code
                step.content_type = response.headers.get("content-type", "")
                step.body = response.content

            return timed(Step(name, "staff", published), work)

        def answer(session: Session) -> Any:
            async def go() -> Any:
                version = await session.version(world.staff_entry)
                return await session.post(
                    f"/requests/{world.staff_entry}/answer",
                    {"version": version, "number": "1", "kind": "text", "text": text},
                )

            return go()

        def letter(reference: str, kind: str, published: bool) -> Callable[[Session], Any]:
            def action(session: Session) -> Any:
                async def go() -> Any:
                    await session.get(f"/requests/{reference}")
                    form = {"kind": kind, "format": "docx"}
                    if published:
                        form["published"] = "1"
                    return await session.post(f"/requests/{reference}/letter", form)

                return go()

            return action

        def publish(session: Session) -> Any:
            async def go() -> Any:
                await session.get("/publish")
                return await session.post("/publish", {})

            return go()

        accepted = staff("staff: answer form", answer)
        if accepted.status == 302:
            entered = letter(world.staff_entry, "response", False)
            staff("staff: letter of the accepted answer", entered)
        staff("staff: letter response", letter(world.response, "response", False))
        staff("staff: letter response published", letter(world.response, "response", True), True)
        staff("staff: letter refusal", letter(world.refusal, "refusal", False))
        staff("staff: publish", publish, True)

    return run


# -- judging a run -----------------------------------------------------------------------------


def _fragments(hashed: str) -> list[str]:
    """The hash, its salt and digest, and the longest runs of letters and digits in them (what a
    search index would keep of a leaked hash)."""
    parts = [hashed, *hashed.split("$")[-2:]]
    runs = sorted(re.findall(r"[A-Za-z0-9]{12,}", hashed), key=len, reverse=True)[:4]
    return [*parts, *runs]


@dataclass(frozen=True)
class Needles:
    everywhere: tuple[str, ...]  # searched case-insensitively in every output
    logins: tuple[str, ...]  # not in staff pages, which show who is logged in
    published: tuple[str, ...]  # the requester's own details: never in a published copy
    internals: tuple[str, ...]  # Python object reprs: never in a letter or the public log


def needles(world: World) -> Needles:
    secrets = [f for h in world.hashes.values() for f in _fragments(h)]
    return Needles(
        everywhere=(
            *secrets,
            PASSWORD,
            OTHER_NAME,
            "Quackenbush",
            OTHER_EMAIL,
            "Wobbegong",
            "Larkspur",
            PASSWD,
            *SCHEMA,
            TRACEBACK,
            MUTATED,
        ),
        logins=tuple(world.hashes),
        published=(VICTIM_NAME, "Araminta", VICTIM_EMAIL),
        internals=INTERNALS,
    )


# The parts of a .docx a template (and so an answer) can write into (as foikit.docx_render).
RENDERED_PART = re.compile(
    r"^(word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|docProps/core\.xml)$"
)


def docx_texts(data: bytes) -> str:
    """Each rendered part of a .docx as XML, and as text with the tags gone and entities read."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if not RENDERED_PART.match(name):
                continue
            xml = zf.read(name).decode("utf-8", "replace")
            out += [xml, html.unescape(re.sub(r"<[^>]+>", "", xml))]
    return "\n".join(out)


def database_text(path: Path) -> str:
    """A SQLite file's raw bytes and its dump (a long text may be split across pages)."""
    raw = path.read_bytes().decode("latin-1")
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        dumped = "\n".join(conn.iterdump())
    return raw + "\n" + dumped


@dataclass
class Haystack:
    where: str
    text: str
    logins: bool = True  # search for login names
    published: bool = False  # search for the requester's own details
    schema_words: bool = True  # search for `CREATE TABLE` (the public log holds its own schema)
    public: bool = False  # a letter or the log: search for Python object reprs


def haystacks(run: CaseRun, tmp: Path) -> Iterator[Haystack]:
    for step in run.steps:
        if step.kind == "cli":
            yield Haystack(f"{step.name}: output", step.output, published=False)
        elif step.content_type.startswith("application/vnd.openxmlformats"):
            text = docx_texts(step.body)
            yield Haystack(f"{step.name}: letter", text, published=step.published, public=True)
        else:
            page = html.unescape(step.body.decode("utf-8", "replace"))
            yield Haystack(f"{step.name}: page", page, logins=False)
    for folder in ("responses", "staff-responses"):
        for path in sorted((tmp / folder).glob("*.docx")):
            text = docx_texts(path.read_bytes())
            published = "-published" in path.name
            yield Haystack(f"{folder}/{path.name}", text, published=published, public=True)
    for name in ("disclosure.db", "staff-disclosure.db"):
        if (tmp / name).exists():
            text = database_text(tmp / name)
            yield Haystack(name, text, published=True, schema_words=False, public=True)


ALLOWED_FILE = re.compile(
    r"^(register\.db(-wal|-shm|-journal)?|(staff-)?disclosure\.db|(staff-)?responses/[^/]+\.docx)$"
)


def judge(run: CaseRun, world: World, tmp: Path, before: Snapshot) -> list[str]:
    """Everything wrong with a run, one line each (empty: the answer was contained)."""
    problems: list[str] = []
    if run.harness_error:
        problems.append(f"HARNESS ERROR (a bug in the test, not foikit):\n{run.harness_error}")
    if run.hung:
        problems.append(f"{run.hung}: still running after {STEP_SECONDS:g} s (killed; later steps "
                        "skipped)")  # fmt: skip
    if run.died:
        problems.append(f"{run.died}: the process died (memory or a crash)")
    accepted: set[int] = set()
    seen: set[Any] = set()  # register changes already reported (at the step that made them)
    for step in run.steps:
        where = step.name
        if step.unexpected:
            last = step.unexpected.strip().splitlines()[-1]
            problems.append(f"{where}: an exception escaped: {last}")
        if step.seconds >= STEP_SECONDS:
            problems.append(f"{where}: took {step.seconds:.1f} s")
        if step.kind == "cli":
            lines = [line for line in step.output.splitlines() if line.strip()]
            if step.exit_code == 1 and not step.unexpected:
                if len(lines) != 1 or not lines[0].startswith("Error: "):
                    shown = "\n    ".join(lines[:8])
                    problems.append(f"{where}: exit 1 without a single `Error:` line:\n    {shown}")
            elif step.exit_code not in (0, 1):
                problems.append(f"{where}: exit status {step.exit_code}")
            if step.name == "cli: request answer" and step.exit_code == 0:
                accepted.add(world.ids[world.entry])
        else:
            ok = (302, 400) if step.name == "staff: answer form" else (200, 400)
            if step.status not in ok:
                problems.append(f"{where}: HTTP {step.status} (expected one of {ok})")
            if step.name == "staff: answer form" and step.status == 302:
                accepted.add(world.ids[world.staff_entry])
            is_letter = step.name.startswith("staff: letter") and step.status == 200
            if is_letter and "wordprocessingml" not in step.content_type:
                problems.append(f"{where}: 200 but not a letter ({step.content_type})")
        if step.after is not None:
            problems += _register_changes(where, before, step.after, accepted, seen)
    problems += _leaks(run, world, tmp)
    problems += _intact(world, tmp)
    for path in sorted(tmp.rglob("*")):
        relative = path.relative_to(tmp).as_posix()
        if path.is_file() and not ALLOWED_FILE.match(relative):
            problems.append(f"an unexpected file was written beside the register: {relative}")
    return problems


def _register_changes(
    where: str, before: Snapshot, after: Snapshot, accepted: set[int], seen: set[Any]
) -> list[str]:
    found: list[tuple[Any, str]] = []
    if after.users != before.users:
        found.append(
            (("users", repr(after.users)), f"the users table changed: {after.users!r:.300}")
        )
    if after.requesters != before.requesters:
        found.append((("requesters", repr(after.requesters)), "the requesters table changed"))
    if (after.audit_upto, after.audit_digest) != (before.audit_upto, before.audit_digest):
        found.append((("audit", after.audit_digest), "audit rows were changed or deleted"))
    for row in after.audit_new:
        action, table, request_id = row[3], row[4], row[6]
        if action in ("letter", "letter-draft") and table == "letters":
            continue
        if action in BOOKKEEPING:
            continue  # who published, logged in or read a requester: audited by design
        if request_id in accepted and table in ("answers", "answer_exemptions", "requests"):
            continue  # the accepted answer itself
        found.append((("audit row", row[0]), f"an unexpected audit row: {row!r:.200}"))
    problems = [f"{where}: {message}" for key, message in found if key not in seen]
    seen.update(key for key, _ in found)
    return problems


# Audit rows that record an officer's own doings, not a change a template made: publishing
# (issue 13), logins, sessions and reads of requesters' details (issue 14).
BOOKKEEPING = frozenset(
    {"publish", "login", "logout", "session-end", "session-seen", "read-requester", "read"}
)


def _leaks(run: CaseRun, world: World, tmp: Path) -> list[str]:
    found = []
    wanted = needles(world)
    for hay in haystacks(run, tmp):
        text = hay.text.lower()
        checks = list(wanted.everywhere)
        if hay.logins:
            checks += wanted.logins
        if hay.published:
            checks += wanted.published
        if hay.schema_words:
            checks.append("CREATE TABLE")
        if hay.public:
            checks += wanted.internals
        for needle in checks:
            if needle.lower() in text:
                at = text.index(needle.lower())
                context = hay.text[max(0, at - 60) : at + len(needle) + 60].replace("\n", " ")
                found.append(f"{hay.where}: contains {needle!r}: ...{context}...")
    return found


def _intact(world: World, tmp: Path) -> list[str]:
    """A response letter of request A that was written still carries its other answer (no answer
    may empty or rewrite the letter it sits in)."""
    problems = []
    for folder in ("responses", "staff-responses"):
        for path in sorted((tmp / folder).glob(f"{world.response}-response*.docx")):
            if INTACT not in docx_texts(path.read_bytes()):
                where = f"{folder}/{path.name}"
                problems.append(f"{where}: the letter lost its other answer ({INTACT!r})")
    return problems


def report(attack: Attack | None, case: Case) -> str:
    run, problems = case.run, case.problems
    head = f"{attack.id}: {attack.why}\n  text: {attack.text[:200]!r}\n" if attack else ""

    def line(s: Step) -> str:
        if s.kind == "cli":
            said = (s.output.strip().splitlines() or [""])[-1][:110]
            return f"  {s.name:<40} exit {s.exit_code}  {s.seconds:5.2f} s  {said}"
        return f"  {s.name:<40} HTTP {s.status}  {s.seconds:5.2f} s"

    steps = "\n".join(line(s) for s in run.steps)
    return f"{head}{len(problems)} problem(s):\n- " + "\n- ".join(problems) + f"\nsteps:\n{steps}"


# -- the corpus --------------------------------------------------------------------------------

CORPUS_TEST = "test_a_hostile_answer_is_contained_on_every_path"


@pytest.fixture(scope="module")
def corpus(world, request, tmp_path_factory) -> Iterator[Runner]:
    """The cases pytest selected, run a CPU's worth at a time ahead of their tests.

    Their registers live in memory (/dev/shm) when it can be written: each case commits a dozen
    times, and an fsync on a disk costs ten milliseconds."""
    width = max(1, min(4, len(os.sched_getaffinity(0))))
    runner = Runner(world, width)
    shm = Path("/dev/shm")
    base = (
        Path(tempfile.mkdtemp(prefix="foikit-answer-sandbox-", dir=shm))
        if shm.is_dir() and os.access(shm, os.W_OK)
        else tmp_path_factory.mktemp("corpus")
    )
    for item in request.session.items:
        if getattr(item, "originalname", None) == CORPUS_TEST and item.module is request.module:
            attack = item.callspec.params["attack"]
            folder = base / attack.id
            folder.mkdir()
            runner.add(Case(attack.id, attack.text, folder))
    yield runner
    runner.close()
    if base.parent == shm:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.id for a in ATTACKS])
def test_a_hostile_answer_is_contained_on_every_path(attack, corpus):
    case = corpus.result(attack.id)
    assert not case.problems, report(attack, case)
    names = [s.name for s in case.run.steps]
    assert "cli: publish" in names and "staff: publish" in names, names


# -- the harness itself ------------------------------------------------------------------------


def test_the_harness_passes_a_benign_answer_and_renders_it_everywhere(world, tmp_path):
    """The same paths, with an answer that must work: no problem is found, and the planted and
    entered answers really were worked out in the letters (so a clean run of a hostile answer
    means it was contained, not skipped)."""
    value = figure_from_csv("dhr", "claimed", "Sandwell", "2019-20")
    expected = f"There are 7 CSPs. Sandwell claimed {value}."
    case = run_case(world, tmp_path, f"{BENIGN_COUNT} {BENIGN_FIGURE}")
    assert not case.problems, report(None, case)
    by_name = {s.name: s for s in case.run.steps}
    assert by_name["cli: request answer"].exit_code == 0
    for step in case.run.steps:
        if step.kind == "cli":
            assert step.exit_code == 0, (step.name, step.output)
        else:
            assert step.status in (200, 302), (step.name, step.status)
    letters = sorted((tmp_path / "responses").glob("*.docx"))
    assert len(letters) == 1 + len(CLI_LETTERS), letters
    for path in letters:
        if "acknowledgement" not in path.name:
            assert expected in docx_texts(path.read_bytes()), path.name
    for name in ("staff: letter response", "staff: letter of the accepted answer"):
        assert expected in docx_texts(by_name[name].body), name
    with closing(sqlite3.connect(tmp_path / "disclosure.db")) as conn:
        published = {r[0] for r in conn.execute("SELECT reference FROM disclosures")}
    assert published == {world.response, world.refusal}


def test_the_harness_finds_a_leak_a_write_and_a_stray_file(world, case_db, tmp_path):
    """The judge is not blind: a hash in the output, a changed users table, a deleted audit row,
    a Python repr in a letter and a file beside the register are each found."""
    run = CaseRun()
    run.steps.append(Step("cli: publish", "cli", exit_code=0, output=world.hashes[ADMIN]))
    before = snapshot(case_db)
    with closing(sqlite3.connect(case_db)) as conn, conn:
        conn.execute("UPDATE users SET role = 'administrator'")
        conn.execute("DELETE FROM audit WHERE id = (SELECT MIN(id) FROM audit)")
    run.steps[0].after = snapshot(case_db)
    letter = io.BytesIO()
    with zipfile.ZipFile(letter, "w") as zf:
        zf.writestr("word/document.xml", "<w:t>&lt;foikit.Register object at 0x1&gt;</w:t>")
    (tmp_path / "responses").mkdir()
    (tmp_path / "responses" / "X-response.docx").write_bytes(letter.getvalue())
    (tmp_path / "stolen.db").write_bytes(b"")
    text = "\n".join(judge(run, world, tmp_path, before))
    assert "the users table changed" in text
    assert "audit rows were changed or deleted" in text
    assert "contains '$argon2id$" in text or "contains '" + world.hashes[ADMIN][:12] in text
    assert "contains 'object at 0x'" in text
    assert "unexpected file was written beside the register: stolen.db" in text


def test_the_harness_kills_a_step_that_hangs(world, tmp_path, monkeypatch):
    """A step that never ends is killed after STEP_SECONDS and reported, not waited for."""
    monkeypatch.setattr(sys.modules[__name__], "STEP_SECONDS", 1.0)

    def hang(world: World, tmp: Path, text: str) -> Callable[[Callable[[Any], None]], None]:
        def run(emit: Callable[[Any], None]) -> None:
            emit(("start", "a step that never ends"))
            while True:
                time.sleep(0.05)

        return run

    monkeypatch.setattr(sys.modules[__name__], "scenario", hang)
    started = time.monotonic()
    case = run_case(world, tmp_path, "{{ csps|length }}")
    assert time.monotonic() - started < 5
    assert case.run.hung == "a step that never ends"
    assert any("still running after 1 s" in p for p in case.problems), case.problems


# -- the happy path ------------------------------------------------------------------------------


def _entered_and_rendered(invoke, world, text: str) -> str:
    from foikit.letters import letter_text

    result = invoke("request", "answer", world.entry, "1", "--text", text)
    assert result.exit_code == 0, result.output
    result = invoke("letter", world.entry, "response")
    assert result.exit_code == 0, result.output
    return letter_text(result.stdout.strip())


def test_a_count_of_csps_still_renders(invoke, world, case_db):
    assert "There are 7 CSPs." in _entered_and_rendered(invoke, world, BENIGN_COUNT)


def test_a_figure_from_the_register_still_renders(invoke, world, case_db):
    value = figure_from_csv("dhr", "claimed", "Sandwell", "2019-20")
    assert f"Sandwell claimed {value}." in _entered_and_rendered(invoke, world, BENIGN_FIGURE)


def test_a_loop_over_the_csps_still_renders(invoke, world, case_db):
    text = "{% for c in csps %}{{ c.name }}{{ '; ' if not loop.last else '.' }}{% endfor %}"
    letter = _entered_and_rendered(invoke, world, text)
    assert "Birmingham" in letter and "Wolverhampton." in letter


def test_the_disclosure_log_shows_worked_out_answers_not_template_source(
    invoke, world, case_db, tmp_path
):
    _entered_and_rendered(invoke, world, BENIGN_COUNT)
    result = invoke(
        "request", "close", world.entry, "--responded", "2024-06-20",
        "--outcome", "granted-in-full", "--today", "2024-07-31",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    result = invoke("publish", "--out", tmp_path / "disclosure.db")
    assert result.exit_code == 0, result.output
    with closing(sqlite3.connect(tmp_path / "disclosure.db")) as conn:
        answer, letter = conn.execute(
            "SELECT q.answer, d.letter_text FROM questions q JOIN disclosures d USING (reference)"
            " WHERE q.reference = ? AND q.number = 1",
            (world.entry,),
        ).fetchone()
    assert answer == "There are 7 CSPs.", "the public log must show the answer, not its template"
    assert "There are 7 CSPs." in letter


# -- text that is never a template ---------------------------------------------------------------

# Evaluated, it prints "evaluated"; as a value, it shows as typed.
PROBE = "{{ 'ev' ~ 'aluated' }}"
VALUE_FIELDS = {
    "subject": "UPDATE requests SET subject = :text WHERE reference = :ref",
    "question": "UPDATE questions SET text = :text WHERE number = 1 AND request_id ="
    " (SELECT id FROM requests WHERE reference = :ref)",
    "requester-name": "UPDATE requesters SET name = :text WHERE id ="
    " (SELECT requester_id FROM requests WHERE reference = :ref)",
    "exemption-reason": "UPDATE answer_exemptions SET reason = :text WHERE answer_id IN"
    " (SELECT a.id FROM answers a JOIN questions q ON q.id = a.question_id"
    " JOIN requests r ON r.id = q.request_id WHERE r.reference = :ref)",
}


@pytest.mark.parametrize("field_name", list(VALUE_FIELDS))
def test_text_from_the_requester_is_never_evaluated(field_name, invoke, world, case_db):
    """Only an officer's answer is a template: a subject, question, name or exemption reason that
    looks like one is printed as typed (the requester writes those)."""
    from foikit.letters import letter_text

    ref, kind = (
        (world.refusal, "refusal")
        if field_name == "exemption-reason"
        else (world.response, "response")
    )
    with closing(sqlite3.connect(case_db)) as conn, conn:
        assert conn.execute(VALUE_FIELDS[field_name], {"text": PROBE, "ref": ref}).rowcount >= 1
    result = invoke("letter", ref, kind)
    assert result.exit_code == 0, result.output
    text = letter_text(result.stdout.strip())
    assert "evaluated" not in text
    assert PROBE in text, f"the {field_name} is not in the {kind} letter as typed"


# -- the corpus itself -------------------------------------------------------------------------


def test_the_corpus_is_big_and_every_row_says_why():
    assert len(ATTACKS) >= 30
    ids = [a.id for a in ATTACKS]
    assert len(ids) == len(set(ids)), "ids must be unique"
    for a in ATTACKS:
        assert re.fullmatch(r"[a-z0-9-]+", a.id), a.id
        assert a.text.strip() and len(a.why) > 10, a.id


def test_the_corpus_walks_through_every_name_in_the_letter_context():
    missing = [
        name
        for name in CONTEXT_NAMES
        if not any(re.search(rf"(?<![\w.]){name}\b", a.text) for a in ATTACKS)
    ]
    assert not missing


def test_no_attack_spells_out_what_the_harness_searches_for(world):
    """A hit in the output can only be a leak if the answer itself never contains the needle."""
    wanted = needles(world)
    for a in ATTACKS:
        every = (*wanted.everywhere, *wanted.logins, *wanted.published, *wanted.internals)
        for needle in (*every, "CREATE TABLE"):
            assert needle.lower() not in a.text.lower(), (a.id, needle)
