"""The typed stand-ins for untyped third-party pieces behave exactly as the originals.

`foikit.publishing.hooks.hookimpl` replaces `datasette.hookimpl` so that `mypy --strict` keeps
each hook's signature; if it marked hooks differently, Datasette would silently stop calling the
log's or the staff interface's hooks (every permission check among them).
"""

from __future__ import annotations

import datasette
import pytest

from foikit.publishing import plugin as log_plugin
from foikit.publishing.hooks import hookimpl
from foikit.staff import plugin as staff_plugin

OPTIONS = [
    # (decorator options, why)
    ({}, "a plain hook"),
    ({"tryfirst": True}, "staff actor_from_request must run before other plugins"),
    ({"hookwrapper": True}, "wrappers keep their flag"),
]


@pytest.mark.parametrize(("options", "why"), OPTIONS, ids=[o[1] for o in OPTIONS])
def test_the_typed_marker_marks_hooks_as_datasettes_does(options, why):
    def ours() -> None: ...

    def theirs() -> None: ...

    hookimpl(**options)(ours)
    datasette.hookimpl(**options)(theirs)
    assert ours.datasette_impl == theirs.datasette_impl, why


@pytest.mark.parametrize(
    ("module", "hook"),
    [
        (log_plugin, "startup"),
        (log_plugin, "register_routes"),
        (log_plugin, "handle_exception"),
        (staff_plugin, "actor_from_request"),
        (staff_plugin, "permission_allowed"),
        (staff_plugin, "asgi_wrapper"),
    ],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_datasette_finds_the_hooks_marked_with_the_typed_marker(module, hook):
    """Datasette's own plugin manager parses the mark on each hook (a hook it cannot see would
    be a permission check that never runs)."""
    from datasette.plugins import pm

    assert pm.parse_hookimpl_opts(module, hook) is not None
