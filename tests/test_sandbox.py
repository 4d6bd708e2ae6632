"""The walls around officers' answer texts (issue 11): plain data, a read-only view, one
rendering of each answer shared by letters and the log. The hostile corpus itself is in
tests/test_answer_sandbox.py; these tests prove each wall on its own."""

from __future__ import annotations

import datetime as dt
import sqlite3
import types

import pytest
from letters_support import june_2021
from lifecycle_support import plant_answer

from foikit.errors import FoikitError, TemplateError
from foikit.letters import build_context, render_answer
from foikit.letters.sandbox import is_plain, plain
from foikit.register.facts import figure, figures_context


def _walk(value, where="context"):
    """Every (path, value) in a nested structure."""
    yield where, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{where}[{i}]")


@pytest.mark.parametrize("kind", ["response", "acknowledgement"])
@pytest.mark.parametrize("published", [False, True])
def test_a_letter_context_holds_plain_data_and_one_closure(register, kind, published):
    ref = june_2021(register)
    context = build_context(register, ref, kind, published=published, today="2021-06-10")
    functions = [(w, v) for w, v in _walk(context) if callable(v)]
    assert [w for w, _ in functions] == ["context.figure"], "figure is the only callable"
    func = functions[0][1]
    assert isinstance(func, types.FunctionType), "a plain closure, not a partial or method"
    cells = [c.cell_contents for c in func.__closure__ or ()]
    assert all(is_plain(c) for c in cells), "the closure holds plain data only"
    rest = {k: v for k, v in context.items() if k != "figure"}
    assert plain(rest) == rest, "everything else is dicts, lists and scalars"
    if published:
        assert context["requester"] is None, "a published copy has no requester"


def _outcome(func, *args):
    try:
        return func(*args)
    except FoikitError as e:
        return f"{type(e).__name__}: {e}"


def test_figure_in_a_template_matches_the_register_for_every_figure(register):
    table = figures_context(register)
    func = build_context(register, june_2021(register), "response", today="2021-06-10")["figure"]
    unique = 0
    for f in table:
        args = (f["topic"], f["measure"], f["area"], f["period"], f["source_id"])
        got = _outcome(func, *args)
        assert got == _outcome(lambda *a: figure(register, *a), *args), args
        if not isinstance(got, str):
            unique += 1
            sql = register.scalar("SELECT value FROM figures WHERE id = ?", (f["id"],))
            assert float(got) == float(sql), args
    assert unique > 100, "most figures are found by topic, measure, area, period and source"


WRITES = [
    ("INSERT INTO audit (at, actor, action) VALUES ('x', 'y', 'z')", "an insert"),
    ("UPDATE users SET role = 'administrator'", "the escalation the review found"),
    ("DELETE FROM audit", "covering tracks"),
    ("CREATE TABLE evil (x)", "schema change"),
    ("DROP TABLE audit", "schema change"),
    ("ALTER TABLE users ADD COLUMN x", "schema change"),
    ("CREATE TRIGGER t AFTER INSERT ON audit BEGIN DELETE FROM audit; END", "a planted trigger"),
    ("PRAGMA user_version = 99", "a pragma that writes"),
    ("ATTACH DATABASE '/tmp/evil.db' AS evil", "reaching another file"),
]


@pytest.mark.parametrize("sql, why", WRITES, ids=[w for _, w in WRITES])
def test_the_read_only_view_refuses_every_write(register, sql, why):
    before = register.query("SELECT * FROM audit ORDER BY id")
    with register.read_only(), pytest.raises(sqlite3.DatabaseError, match="not authorized"):
        register.conn.execute(sql)
    register.conn.rollback()
    assert register.query("SELECT * FROM audit ORDER BY id") == before, why
    with register.read_only():
        assert register.scalar("SELECT COUNT(*) FROM users") is not None, "reads still work"
        assert register.scalar("PRAGMA user_version") is not None, "reading a pragma works"
    register.conn.execute("CREATE TABLE scratch (x)")  # the view ends with the block
    register.conn.rollback()


def test_the_read_only_view_nests(register):
    with register.read_only():
        with register.read_only():
            pass
        with pytest.raises(sqlite3.DatabaseError):
            register.conn.execute("DELETE FROM audit")


@pytest.mark.parametrize(
    "text, expected, why",
    [
        ("There are {{ csps|length }} CSPs.", "There are 7 CSPs.", "reference data"),
        ("{{ request.reference }}", "FOI-2021-0001", "the request's own facts"),
        ("{{ 1200|money }}", "£1,200", "the letter filters"),
        ("Plain text & <b>", "Plain text & <b>", "no tags: as written"),
    ],
)
def test_one_rendering_of_an_answer(register, text, expected, why):
    from foikit.letters import answer_context_for

    ref = june_2021(register)
    assert render_answer(text, answer_context_for(register, ref), "it") == expected, why


@pytest.mark.parametrize(
    "text, error, why",
    [
        (
            "{% for i in range(1000) %}{% for j in range(1000) %}xx{% endfor %}{% endfor %}",
            "longer than",
            "output cap",
        ),
        ("{{ 'x' * 10**8 }}", "more than", "value cap on *"),
        ("{{ range(5000)|list }}", "at most 1,000", "range cap"),
        (
            "{% for a in csps %}{% for b in csps %}{% for c in csps %}{% endfor %}{% endfor %}"
            "{% endfor %}",
            "nest at most 2",
            "loop depth",
        ),
    ],
)
def test_answers_are_bounded(register, text, error, why):
    from foikit.letters import answer_context_for

    ref = june_2021(register)
    context = answer_context_for(register, ref)
    start = dt.datetime.now()
    with pytest.raises(TemplateError, match=error):
        render_answer(text, context, "it")
    assert (dt.datetime.now() - start).total_seconds() < 3, why


def test_a_hostile_answer_is_refused_at_entry_with_one_error_line(register, invoke):
    ref = june_2021(register, close=False)
    users = register.query("SELECT * FROM users ORDER BY name")
    result = invoke(
        "request",
        "answer",
        ref,
        "1",
        "--text",
        "{{ figure.args[0].conn.execute(\"update users set role='administrator'\") }}",
    )
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert "not saved" in lines[0]
    assert register.query("SELECT * FROM users ORDER BY name") == users


def test_the_log_shows_answers_worked_out_as_the_letter_does(register, tmp_path):
    from foikit.publishing.build import publish

    ref = june_2021(register)
    out = tmp_path / "disclosure.db"
    publish(register, out, today=dt.date(2021, 7, 1))
    conn = sqlite3.connect(out)
    answers = [r[0] for r in conn.execute("SELECT answer FROM questions ORDER BY number")]
    conn.close()
    assert answers[0].startswith("There are 7 Community Safety Partnerships"), answers[0]
    assert not any("{{" in (a or "") or "{%" in (a or "") for a in answers), "no template text"
    assert ref


def test_a_planted_answer_holds_the_request_back_from_the_log(register, tmp_path):
    from foikit.publishing.build import publish

    ref = june_2021(register)
    plant_answer(register, ref, 1, "{{ figure.args[0].query('select * from users') }}")
    report = publish(register, tmp_path / "disclosure.db", today=dt.date(2021, 7, 1))
    assert report.published == 0
    assert [h.reference for h in report.held_back] == [ref]
    assert "could not be worked out" in report.held_back[0].reason
