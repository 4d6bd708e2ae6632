"""How a letter reads: the salutation, lists in words, and the figures an answer cites.

- `salutation(requester)`: "Ms Sharma" from "Ms Priya Sharma" (title and surname, as a letter
  to a named person opens in British usage); the full name when no title was given, since a
  forename alone is too familiar and a guessed title may be wrong.
- `and_list([1, 2, 3])`: "1, 2 and 3" (the `and_list` filter: "questions 1 and 2").
- `cited_figures(answer, figures)`: the figures an officer's answer calls with `figure(...)`,
  read from the answer's own syntax tree (never by running it), for the table under the
  answer that shows each figure with its source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Titles a requester gives before their name; "Sir" and "Dame" go with the forename.
TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "rev", "revd", "reverend"}
    | {"lord", "lady", "sir", "dame"}
)
FORENAME_TITLES = frozenset({"sir", "dame"})

TOPICS = {
    "dhr": "Domestic Homicide Reviews",
    "funding": "Funding",
    "marac": "MARAC referrals",
}


def salutation(requester: Mapping[str, Any] | None) -> str | None:
    """What follows "Dear": title and surname when the name starts with a title, else the name
    as given; None when there is no name (the letter then says "Dear Applicant")."""
    if not requester:
        return None
    title = str(requester.get("title") or "").strip()
    surname = str(requester.get("surname") or "").strip()
    if title and surname:
        return f"{title} {surname}"
    name = str(requester.get("name") or "")
    words = name.split()
    if not words:
        return None
    first = words[0].rstrip(".")
    if first.lower() in TITLES and len(words) >= 2:
        if first.lower() in FORENAME_TITLES:
            return f"{first} {words[1]}"
        return f"{first} {words[-1]}"
    return name


def and_list(values: Iterable[Any]) -> str:
    """`1, 2 and 3`; `1 and 2`; `1`; `` for none."""
    items = [str(v) for v in values]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _figure_calls(source: str) -> list[tuple[list[Any], dict[str, Any]]]:
    """The constant arguments of every `figure(...)` call in an answer template."""
    from jinja2 import Environment, TemplateSyntaxError, nodes

    try:
        tree = Environment().parse(source)
    except TemplateSyntaxError:
        return []
    calls = []
    for call in tree.find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.node.name == "figure"):
            continue
        if not all(isinstance(a, nodes.Const) for a in call.args):
            continue
        if not all(isinstance(k.value, nodes.Const) for k in call.kwargs):
            continue
        args = [a.value for a in call.args if isinstance(a, nodes.Const)]
        kwargs = {k.key: k.value.value for k in call.kwargs if isinstance(k.value, nodes.Const)}
        calls.append((args, kwargs))
    return calls


def _figure_row(f: Mapping[str, Any]) -> dict[str, Any]:
    from foikit.formats import money

    topic = str(f.get("topic") or "")
    measure = str(f.get("measure") or "").replace("-", " ")
    value = f.get("value")
    if isinstance(value, int | float) and not isinstance(value, bool):
        shown = money(value) if str(f.get("unit") or "").upper() == "GBP" else f"{value:,}"
    else:
        shown = "" if value is None else str(value)
    return {
        "measure": f"{TOPICS.get(topic, topic.replace('-', ' ').capitalize())}: {measure}",
        "area": f.get("area") or "",
        "period": f.get("period") or "",
        "value": shown,
        "source": f.get("source") or "",
    }


def cited_figures(answer: str | None, figures: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The figures `answer` cites, once each in the order cited, as table rows."""
    if not answer or "figure" not in answer:
        return []
    from foikit.register.facts import match_figures

    rows: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for args, kwargs in _figure_calls(answer):
        try:
            found = match_figures([dict(f) for f in figures], *args, **kwargs)
        except TypeError:
            continue
        if len(found) != 1:  # rendering the answer reports none or several
            continue
        key = found[0].get("id") or repr(sorted(found[0].items()))
        if key not in seen:
            seen.add(key)
            rows.append(_figure_row(found[0]))
    return rows
