"""The staff weekly list: the same buckets as `foikit weekly`, for the manager's Friday look."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datasette.utils.asgi import Response

from foikit.casework.weekly import BUCKETS, TITLES, next_week, weekly
from foikit.staff.pages import in_thread, login_redirect, render, today

if TYPE_CHECKING:
    from datasette.utils.asgi import Request


if TYPE_CHECKING:
    from datasette.app import Datasette


async def weekly_page(datasette: Datasette, request: Request) -> Response:
    if not request.actor:
        return login_redirect(request)
    day = today(datasette)
    lists = await in_thread(datasette, lambda reg: weekly(reg, day))
    monday, friday = next_week(day)
    context = {
        "title": "Weekly list",
        "day": day,
        "monday": monday,
        "friday": friday,
        "buckets": [(name, TITLES[name], lists[name]) for name in BUCKETS],
    }
    return await render(datasette, request, "staff_weekly.html", context)


ROUTES = [(r"^/weekly$", weekly_page)]
