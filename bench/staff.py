"""Benchmark the staff interface on a register of 100,000 requests (about 1,000 of them open).

Measured in the same run, on the same register:
1. the board's data (`foikit.staff.board.board`) against the CLI's `request list --open`
   (`foikit.casework.lifecycle.list_requests(open_only=True, full=False)`), the baseline it
   should match;
2. the whole board page through Datasette (login cookie, query, status, render) against (1);
3. a request page against `show_request` (the CLI's `request show`);
4. one login (scrypt password check) and one answer form post, end to end.

Run: .venv/bin/python bench/staff.py [N]
"""

from __future__ import annotations

import asyncio
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from request_list import TODAY, build  # noqa: E402

from foikit.casework.lifecycle import list_requests, show_request  # noqa: E402
from foikit.register import Register  # noqa: E402
from foikit.register.users import add_user  # noqa: E402
from foikit.staff import make_staff_datasette  # noqa: E402
from foikit.staff.board import board  # noqa: E402

PASSWORD = "benchmark password"


def timed(func: Callable[[], Any], repeat: int = 5) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


async def atimed(func: Callable[[], Awaitable[Any]], repeat: int = 5) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = await func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


async def web(path: Path, reference: str) -> dict[str, float]:
    ds = make_staff_datasette(path, secret="bench", today=TODAY)
    await ds.invoke_startup()
    transport = httpx.ASGITransport(app=ds.app())
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        page = await client.get("/login")
        token = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)

        async def login() -> httpx.Response:
            return await client.post(
                "/login", data={"csrftoken": token, "name": "bench", "password": PASSWORD}
            )

        t_login, response = await atimed(login, repeat=3)
        assert response.status_code == 302, response.text
        t_board, response = await atimed(lambda: client.get("/"))
        assert response.status_code == 200 and reference in response.text
        t_page, response = await atimed(lambda: client.get(f"/requests/{reference}"))
        assert response.status_code == 200

        async def answer() -> httpx.Response:
            page = await client.get(f"/requests/{reference}")
            version = re.search(r'data-version="([^"]+)"', page.text).group(1)
            return await client.post(
                f"/requests/{reference}/answer",
                data={"csrftoken": token, "version": version, "number": "1", "text": "Yes."},
            )

        t_answer, response = await atimed(answer, repeat=3)
        assert response.status_code == 302, response.text
    return {"login": t_login, "board": t_board, "page": t_page, "answer": t_answer}


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.db"
        start = time.perf_counter()
        build(path, n)
        print(f"register of {n:,} requests built in {time.perf_counter() - start:.1f} s")
        with Register(path) as reg:
            add_user(reg, "bench", "officer", PASSWORD, actor="bench")
            t_list, listed = timed(
                lambda: list_requests(reg, open_only=True, today=TODAY, full=False)
            )
            t_board, rows = timed(lambda: board(reg, TODAY))
            assert {r["reference"] for r in listed} == {r.reference for r in rows}
            reference = rows[0].reference
            t_show, _ = timed(lambda: show_request(reg, reference, today=TODAY))
        figures = asyncio.run(web(path, reference))

    print(f"open requests on the board: {len(rows):,}")
    print(f"baseline `request list --open` (library):  {t_list * 1000:8.1f} ms")
    print(
        f"board data:                                {t_board * 1000:8.1f} ms"
        f"  ({t_board / t_list:.2f}x the baseline)"
    )
    print(
        f"board page through Datasette:              {figures['board'] * 1000:8.1f} ms"
        f"  ({figures['board'] / t_board:.2f}x the board data)"
    )
    print(f"baseline `request show` (library):         {t_show * 1000:8.1f} ms")
    print(
        f"request page through Datasette:            {figures['page'] * 1000:8.1f} ms"
        f"  ({figures['page'] / t_show:.2f}x request show)"
    )
    print(f"login (scrypt check, cookie):              {figures['login'] * 1000:8.1f} ms")
    print(f"answer form: page, post, redirect:         {figures['answer'] * 1000:8.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
