"""The staff interface: Datasette over the register, with the foikit plugin and a login.

`make_staff_datasette(path)` builds the whole app (so tests and scripts need no click);
`foikit staff` only calls it and serves the result. The plugin's hooks act only on a Datasette
built here (it carries the `foikit-staff` plugin configuration), never on the public log.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datasette.app import Datasette


PLUGIN_NAME = "foikit-staff"
HERE = Path(__file__).parent
SESSION_HOURS = 10  # a working day (foikit.register.sessions.MAX_AGE): log in each morning


def register_plugin() -> None:
    """Register the hooks with Datasette's plugin manager, once per process."""
    from datasette.plugins import pm

    from foikit.staff import plugin

    if pm.get_plugin(PLUGIN_NAME) is None:
        pm.register(plugin, name=PLUGIN_NAME)


def make_staff_datasette(
    register_path: str | os.PathLike[str],
    *,
    secret: str | None = None,
    responses_dir: str | os.PathLike[str] | None = None,
    templates_dir: str | os.PathLike[str] | None = None,
    disclosure_path: str | os.PathLike[str] | None = None,
    today: dt.date | None = None,
) -> Any:
    """A Datasette serving the register privately, with the staff pages and their login.

    `secret` signs the session cookies (default $FOIKIT_STAFF_SECRET, else random, so a restart
    logs everyone out). `responses_dir` and `templates_dir` default to what the CLI uses
    ($FOIKIT_RESPONSES; $FOIKIT_TEMPLATES, else templates/ beside the register, else the set
    shipped with foikit, decided once here); `disclosure_path` is where Publish writes the
    public log (default disclosure.db beside the register). `today` fixes the date the pages
    work to (tests, demos of old requests); by default it is the real date at each request.
    `secret` signs Datasette's CSRF tokens and messages (default $FOIKIT_STAFF_SECRET, else
    random); sessions themselves live in the register (foikit.register.sessions).
    `responses_dir` and `templates_dir` default to what the CLI uses
    ($FOIKIT_RESPONSES, $FOIKIT_TEMPLATES); `disclosure_path` is where Publish writes the public
    log (default disclosure.db beside the register). `today` fixes the date the pages work to
    (tests, demos of old requests); by default it is the real date at each request.
    """
    from datasette.app import Datasette

    from foikit.letters.folders import find_templates
    from foikit.register import Register

    path = Path(register_path).resolve()
    with Register(path) as reg:
        reg.require_initialised()
    register_plugin()
    config: dict[str, Any] = {"register": str(path)}
    if responses_dir is not None:
        config["responses"] = str(responses_dir)
    config["templates"] = str(find_templates(path, templates_dir).path)
    if disclosure_path is not None:
        config["disclosure"] = str(disclosure_path)
    if today is not None:
        config["today"] = today.isoformat()
    return Datasette(
        files=[str(path)],
        secret=secret or os.environ.get("FOIKIT_STAFF_SECRET") or secrets.token_hex(32),
        template_dir=str(HERE / "templates"),
        static_mounts=[("foikit-static", str(HERE / "static"))],
        settings={
            "allow_download": False,  # never hand out the register file
            "default_allow_sql": False,  # raw SQL for administrators only (plugin.py)
            "allow_csv_stream": False,
            "suggest_facets": False,
        },
        metadata={
            "title": "foikit staff: FOI register",
            "plugins": {PLUGIN_NAME: config},
        },
    )


def serve(datasette: Datasette, *, host: str = "127.0.0.1", port: int = 8002) -> None:
    """Run the app until interrupted (uvicorn, as `datasette serve` does)."""
    import uvicorn

    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on")


__all__ = ["PLUGIN_NAME", "make_staff_datasette", "register_plugin", "serve"]
