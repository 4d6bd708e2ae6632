"""`hookimpl`: Datasette's plugin hook marker, with types.

Datasette 0.65 ships no type information, so to mypy `datasette.hookimpl` is `Any` and every
hook it marks loses its signature (`mypy --strict` calls it an untyped decorator). Datasette's
marker is nothing but pluggy's `HookimplMarker("datasette")`; this is the same marker made
here, where pluggy's own types keep each hook's signature. tests/test_typing.py checks that the
two mark hooks alike.
"""

from __future__ import annotations

import pluggy

hookimpl = pluggy.HookimplMarker("datasette")
