"""Hostile answer texts: the corpus tests/test_answer_sandbox.py drives through every path.

An officer's answer is a Jinja template over the register's figures (`There are {{ csps|length }}
CSPs.`). Each row below is an answer nobody should be able to turn into a leak, a write, a hang
or a traceback. `why` names the threat, so a failing id reads as a finding.

Rules for a row (checked by test_answer_sandbox.py):
- the text never spells out what the harness searches the output for (a password hash, a
  login name, the other requester, `root:x:0:0`, `CREATE TABLE`): a hit can only be a leak;
- the text names the letter-context names it walks through (`figure`, `csps`, `request`, ...),
  and together the rows walk through every one of them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attack:
    id: str
    text: str
    why: str


# `figure.args[0]` was the live Register (a functools.partial over it) before the fix.
REG = "figure.args[0]"
# A classic way out of a Jinja sandbox: every class, then one whose module imports os.
SUBCLASSES = "().__class__.__base__.__subclasses__()"
# Printed only when a mutation took effect (spelt in two halves, so the text never contains it).
MUTATED = "{{ 'MUT' ~ 'ATED' }}"

ATTACKS: list[Attack] = [
    # -- figure: a functools.partial over the Register ----------------------------------------
    Attack(
        "figure-args-read-users",
        "{{ " + REG + '.query("select * from users") }}',
        "partial.args[0] is the live Register: the users table (password hashes) in a letter",
    ),
    Attack(
        "figure-args-read-requesters",
        "{{ " + REG + '.query("select name, email from requesters") }}',
        "every requester's name and email (another person's personal data) in this letter",
    ),
    Attack(
        "figure-args-read-questions",
        "{{ " + REG + '.query("select text from questions") }}',
        "another requester's questions (what they asked about) in this letter",
    ),
    Attack(
        "figure-args-schema",
        "{{ " + REG + '.query("select sql from sqlite_master") }}',
        "the register's schema (table and column names) in a public letter",
    ),
    Attack(
        "figure-args-escalate",
        "{{ " + REG + ".conn.execute(\"update users set role='administrator'\") }}"
        "{{ " + REG + ".conn.commit() }}",
        "privilege escalation: every staff user made an administrator, with no audit row",
    ),
    Attack(
        "figure-args-wipe-audit",
        "{{ " + REG + '.conn.execute("delete from audit") }}{{ ' + REG + ".conn.commit() }}",
        "the audit trail erased from inside a letter",
    ),
    Attack(
        "figure-args-vacuum-into",
        "{{ " + REG + ".conn.execute(\"vacuum into 'stolen.db'\") }}",
        "a full copy of the register (hashes, requesters) written to a file beside it",
    ),
    Attack(
        "figure-args-attach",
        "{{ " + REG + ".conn.execute(\"attach database 'exfil.db' as x\") }}"
        "{{ " + REG + '.conn.execute("create" ~ " table x.u as select * from users") }}',
        "ATTACH a new database file and copy the users table into it",
    ),
    Attack(
        "figure-attr-filter-args",
        "{{ (figure|attr('args'))[0].query(\"select * from users\") }}",
        "the attr filter walks to .args without a dotted lookup",
    ),
    Attack(
        "figure-func-keywords",
        "{{ figure.func }} {{ figure.keywords }} {{ figure.args }}",
        "the partial's wrapped function, keywords and arguments printed (internals, addresses)",
    ),
    Attack(
        "figure-func-globals",
        "{{ figure.func.__globals__ }}",
        "the reference module's globals: a way to every module foikit imported",
    ),
    Attack(
        "figure-globals",
        "{{ figure.__globals__['__builtins__'] }}",
        "a plain function's globals and builtins (the fixed figure() is a function)",
    ),
    Attack(
        "figure-closure",
        "{{ figure.__closure__[0].cell_contents }}",
        "a closure's cells: whatever the fixed figure() closes over",
    ),
    Attack(
        "figure-code",
        "{{ figure.__code__.co_consts }} {{ figure.func.__code__.co_names }}",
        "the function's code object (constants, names): internals in a letter",
    ),
    Attack(
        "figure-self",
        "{{ figure.__self__ }} {{ figure.func.__self__ }}",
        "a bound method's receiver (a Register or module) through __self__",
    ),
    Attack(
        "figure-wrapped",
        "{{ figure.__wrapped__ }}",
        "functools.wraps leaves __wrapped__: the undecorated function, maybe over the register",
    ),
    Attack(
        "figure-repr",
        "{{ figure }}",
        "the function's repr (and the Register's, with memory addresses) printed in a letter",
    ),
    Attack(
        "figure-percent-repr",
        '{{ "%s" % figure }}',
        "%-formatting prints an object's repr, past anything that checks attribute names",
    ),
    Attack(
        "figure-mro-subclasses",
        "{{ figure.__class__.__mro__[-1].__subclasses__() }}",
        "from figure's class to object, then every class loaded in the process",
    ),
    Attack(
        "figure-bad-arguments",
        "{{ figure(figures, csps) }}",
        "non-string figure() arguments: a crash (traceback) or internals in the error message",
    ),
    # -- the other letter-context names ----------------------------------------------------------
    Attack(
        "csps-mro-subclasses",
        "{{ csps.__class__.__mro__[1].__subclasses__() }}",
        "from a list to object to every class (the first step of a sandbox escape)",
    ),
    Attack(
        "csps-getitem-dunder",
        "{{ csps[0]['__class__'] }} {{ csps['__class__'] }}",
        "a dunder spelled as a subscript: getitem falls back to getattr",
    ),
    Attack(
        "csps-map-attribute",
        "{{ csps|map(attribute='__class__')|list }} {{ csps|selectattr('__class__')|list }}",
        "map/selectattr walk attributes named in a string, past a check of dotted names only",
    ),
    Attack(
        "csps-clear",
        "{{ csps.clear() }}{% if csps|length == 0 %}" + MUTATED + "{% endif %}",
        "mutates the reference data the rest of the letter (and later letters) are built from",
    ),
    Attack(
        "csps-append",
        "{{ csps.append(1) }}{% if csps|length == 8 %}" + MUTATED + "{% endif %}",
        "mutates the reference data: an eighth CSP appears",
    ),
    Attack(
        "figures-pop",
        "{% set n = figures|length %}{{ figures.pop() }}{% if figures|length < n %}"
        + MUTATED
        + "{% endif %}",
        "removes figures from the shared table other answers are worked out from",
    ),
    Attack(
        "figures-method-call",
        "{{ (figures|first).values() }} {{ (figures|first).items() }}",
        "calls methods of the data: the answer language should call figure() and nothing else",
    ),
    Attack(
        "request-questions",
        "{{ request.questions }}",
        "every question record (staff names, other answers) dumped into one answer",
    ),
    Attack(
        "request-questions-clear",
        "{{ request.questions.clear() }}",
        "empties the letter's questions: a response that answers nothing",
    ),
    Attack(
        "request-init",
        "{{ request.__init__ }} {{ request.__class__.__init__.__globals__ }}",
        "a dict's __init__ and its globals",
    ),
    Attack(
        "requester-details",
        "{{ requester.name }} {{ requester.email }} {{ requester }}",
        "the requester's personal data in an answer (which the published copy and the log carry)",
    ),
    Attack(
        "office-mutate",
        "{{ office.update({'name': 'MUT' ~ 'ATED'}) }}{{ office.name }}",
        "rewrites who the letter is from (the office's name) for the rest of the letter",
    ),
    Attack(
        "ico-subclasses",
        "{{ ico.__class__.__base__.__subclasses__() }}",
        "from the ico dict to object to every class",
    ),
    Attack(
        "today-mro",
        "{{ today.__class__.__mro__ }} {{ today.__class__.__mro__[-1].__subclasses__() }}",
        "from a string (or date) to object to every class",
    ),
    Attack(
        "regime-walk",
        "{{ regime.__class__.__init__.__globals__ }} {{ regime.items() }}",
        "the letter's regime words: dict internals and a method call",
    ),
    Attack(
        "review-walk",
        "{{ review.__class__.__mro__ }} {{ review.reviewer }}",
        "the internal review (None or a dict): class walk, reviewer's staff name",
    ),
    Attack(
        "exemptions-walk",
        "{{ exemptions.__class__.__mro__[-1].__subclasses__() }} {{ exemptions.append(1) }}"
        "{% if exemptions %}" + MUTATED + "{% endif %}",
        "the exemptions list: class walk and mutation",
    ),
    Attack(
        "event-walk",
        "{{ event.__class__.__mro__ }} {{ event.__class__.__init__.__globals__ }}",
        "the clock event (None or a dict): class walk to globals",
    ),
    # -- Jinja's globals and the template itself -----------------------------------------------
    Attack(
        "cycler-globals-popen",
        "{{ cycler.__init__.__globals__.os.popen('cat /etc/passwd').read() }}",
        "Jinja's cycler global: its module's os, then a shell (reads /etc/passwd)",
    ),
    Attack(
        "joiner-globals",
        "{{ joiner.__init__.__globals__ }}",
        "Jinja's joiner global: its module's globals",
    ),
    Attack(
        "namespace-globals",
        "{{ namespace.__init__.__globals__ }}",
        "Jinja's namespace global: its module's globals",
    ),
    Attack(
        "namespace-smuggle",
        '{% set ns = namespace(f=figure) %}{{ ns.f.args[0].query("select * from users") }}',
        "namespace() carries figure through set, to the register",
    ),
    Attack(
        "lipsum-globals-popen",
        "{{ lipsum.__globals__['os'].popen('cat /etc/passwd').read() }}",
        "Jinja's lipsum global: os through its function globals, then a shell",
    ),
    Attack(
        "lipsum-huge",
        "{{ lipsum(n=99999, min=99990, max=99999) }}",
        "Jinja's lipsum global asked for ten billion words: hangs the letter",
    ),
    Attack(
        "subclasses-catch-warnings",
        "{% for c in " + SUBCLASSES + " %}{% if c.__name__ == 'catch_warnings' %}"
        "{{ c()._module.__builtins__['__import__']('os').popen('cat /etc/passwd').read() }}"
        "{% endif %}{% endfor %}",
        "the classic escape: object's subclasses, catch_warnings, builtins, os, a shell",
    ),
    Attack(
        "tuple-base-subclasses",
        "{{ " + SUBCLASSES + " }}",
        "every class loaded in the process, from an empty tuple",
    ),
    Attack(
        "self-context",
        "{{ self._TemplateReference__context }}",
        "the whole render context (requester, register) through a name-mangled attribute",
    ),
    Attack(
        "self-dict",
        "{{ self.__dict__ }} {{ self }}",
        "the template reference's fields, or its repr, in the letter",
    ),
    Attack(
        "self-repr",
        "{{ self }}",
        "`self` is not an undeclared name to Jinja, so a name allow-list lets it through: the "
        "template reference's repr in a letter",
    ),
    Attack(
        "config",
        "{{ config }} {{ config.items() }}",
        "Flask-style config: whatever the environment exposes as globals",
    ),
    Attack(
        "loop-outside-a-loop",
        "{{ loop }} {{ loop.cycle('a', 'b') }}",
        "the loop helper where there is no loop",
    ),
    # -- string formatting --------------------------------------------------------------------
    Attack(
        "format-class",
        "{{ '{0.__class__}'.format(figure) }}",
        "str.format walks attributes inside the format string, past the sandbox's getattr",
    ),
    Attack(
        "format-globals",
        "{{ '{0.func.__globals__}'.format(figure) }}",
        "str.format reaches function globals inside the format string",
    ),
    Attack(
        "format-filter-users",
        '{{ "%s"|format(' + REG + '.query("select * from users")) }}',
        "the format filter with the register's users as its argument",
    ),
    Attack(
        "format-width",
        '{{ "{:>999999999}".format(1) }}',
        "a format width builds a gigabyte string",
    ),
    Attack(
        "center-width",
        '{{ "a"|center(999999999) }}',
        "the center filter builds a gigabyte string",
    ),
    Attack(
        "percent-width",
        '{{ "%999999999d" % 1 }}',
        "%-formatting with a width builds a gigabyte string",
    ),
    # -- resource exhaustion ------------------------------------------------------------------
    Attack(
        "range-nested",
        "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
        "ten billion loop iterations: `foikit letter` never ends",
    ),
    Attack(
        "range-huge",
        "{% for i in range(10**9) %}{% endfor %}",
        "a billion-item range",
    ),
    Attack(
        "string-times-huge",
        '{{ "x" * 10**9 }}',
        "a gigabyte string (Jinja folds constants at compile time, before any render check)",
    ),
    Attack(
        "list-times-huge",
        "{{ ([0] * 10**9)|length }}",
        "an eight-gigabyte list",
    ),
    Attack(
        "power-tower",
        "{{ 9**(9**9) }}",
        "a number with 370 million digits, folded at compile time (Jinja's ** is left-associative, "
        "so the brackets matter)",
    ),
    Attack(
        "figures-string-times",
        "{{ (figures|string) * 100000 }}",
        "a big value repeated a hundred thousand times: gigabytes",
    ),
    Attack(
        "macro-recursion",
        "{% macro f(n) %}{{ f(n+1) }}{% endmacro %}{{ f(0) }}",
        "unbounded recursion: a RecursionError traceback, or a crash",
    ),
    Attack(
        "recursive-loop",
        "{% for c in csps recursive %}{{ loop([c]) }}{% endfor %}",
        "a recursive for loop that calls itself forever",
    ),
    Attack(
        "figures-nested-4",
        "{% for a in figures %}{% for b in figures %}{% for c in figures %}"
        "{% for d in figures %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
        "160 figures four loops deep: 650 million iterations",
    ),
    Attack(
        "string-doubling",
        "{% set a = 'x' %}" + "{% set a = a ~ a %}" * 40 + "{{ a|length }}",
        "a string doubled forty times: a terabyte",
    ),
    Attack(
        "filters-silent-loop",
        "{% for a in figures %}{% if 'zz' in figures|string|list|sort|join %}{% endif %}"
        "{% endfor %}",
        "one loop (allowed) of expensive filters that prints nothing: no operator, call or output "
        "for a time budget to check",
    ),
    Attack(
        "filters-silent-repeated",
        "{% if 'zz' in figures|string|list|sort|join %}{% endif %}" * 150,
        "the same silent filters with no loop at all, repeated: a per-iteration check never runs",
    ),
    Attack(
        "concat-one-huge-sort",
        "{% if 'zz' in (" + " ~ ".join(["figures|string"] * 200) + ")|list|sort|join %}{% endif %}",
        "`~` is not an intercepted operator, so it builds a 15-million-character string past the "
        "value cap; one `|sort` on it runs for many seconds in a single filter call",
    ),
    Attack(
        "filter-chain-compile",
        "{{ csps" + "|first" * 199 + " }}",
        "a long filter chain: Python's compile() runs for many seconds (before any render budget) "
        "and raises a bare SyntaxError (too many nested parentheses)",
    ),
    Attack(
        "unary-chain-syntaxerror",
        "{{ " + "-" * 199 + "1 }}",
        "199 unary minuses: Jinja compiles, Python's compile() raises a bare SyntaxError",
    ),
    Attack(
        "brackets-recursion",
        "{{ " + "[" * 400 + "csps" + "]" * 400 + " }}",
        "deep nesting: the template parser runs out of recursion (RecursionError)",
    ),
    # -- other templates and files ------------------------------------------------------------
    Attack(
        "include-passwd",
        "{% include '/etc/passwd' %}",
        "include reads a file from the server's disk into the letter",
    ),
    Attack(
        "import-template",
        "{% import 'response.docx' as y %}{{ y }}",
        "import loads another template by name",
    ),
    Attack(
        "extends-passwd",
        "{% extends '/etc/passwd' %}",
        "extends replaces the answer with a file from disk",
    ),
]
