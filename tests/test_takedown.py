"""Takedown: a running `foikit serve` (a real uvicorn in a subprocess) shows a re-published log
within seconds, without a restart, and lets caches keep a page for a minute at most."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from foikit.publishing.build import build_public_db
from foikit.publishing.public import release_record

LEAK = "Leaky Surname"


def record(subject: str, answer: str) -> object:
    return release_record(
        {
            "reference": "FOI-2024-0001",
            "regime": "foi",
            "subject": subject,
            "received": "2024-03-01",
            "responded": "2024-03-20",
            "outcome": "granted-in-full",
            "questions": [{"number": 1, "text": "How many?", "status": "answered",
                           "answer": answer}],
        }
    )  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 30) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("takedown")
    log = tmp_path / "disclosure.db"
    # A leak the scan could not know: the name is in the answer as plain words.
    build_public_db([record("Knife crime funding", f"Ask {LEAK} about it.")], log)
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "foikit", "serve", str(log), "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        yield log, f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


PAGES = [
    ("/disclosure/questions.json?_shape=array", "its JSON"),
    ("/disclosure/questions.csv", "its CSV"),
    ("/disclosure/disclosures/FOI-2024-0001", "the request's own page"),
]


def test_pages_may_be_cached_for_a_minute_at_most(served):
    _, base = served
    response = httpx.get(base + "/disclosure/disclosures", timeout=10)
    control = response.headers.get("cache-control", "")
    assert "max-age=60" in control, "a correction must reach readers within minutes"


def test_a_republished_log_is_served_without_a_restart(served):
    log, base = served
    for path, why in PAGES:
        before = httpx.get(base + path, timeout=10)
        assert before.status_code == 200 and LEAK in before.text, why
    # The takedown: the officer redacts and publishes again; the server is not touched.
    build_public_db([record("Knife crime funding", "Ask [redacted] about it.")], log)
    published = time.monotonic()
    pending = dict(PAGES)
    while pending and time.monotonic() - published < 10:
        for path in list(pending):
            after = httpx.get(base + path, timeout=10)
            if after.status_code == 200 and LEAK not in after.text and "[redacted]" in after.text:
                del pending[path]
        time.sleep(0.2)
    assert not pending, f"still served 10 s after re-publishing: {pending}"


def test_a_broken_new_file_leaves_the_last_good_log_serving(served):
    log, base = served
    tmp = log.with_suffix(".new")
    tmp.write_bytes(b"not a database at all")
    os.replace(tmp, log)
    time.sleep(1.5)
    # Many requests, so Datasette opens connections on fresh threads after the rename too:
    # each must read the file that was checked, never the broken one now at the path.
    for i in range(12):
        path, _ = PAGES[i % len(PAGES)]
        response = httpx.get(base + path, timeout=10)
        assert response.status_code == 200, "a bad file is refused; the old log stays up"


async def test_the_live_log_swaps_in_process_and_lets_the_old_file_go(tmp_path, monkeypatch):
    import asyncio

    from foikit.publishing import serve

    monkeypatch.setattr(serve, "CHECK_EVERY_S", 0.0)
    monkeypatch.setattr(serve, "CLOSE_OLD_AFTER_S", 0.0)
    log = tmp_path / "disclosure.db"
    build_public_db([record("Knife crime funding", f"Ask {LEAK} about it.")], log)
    live = serve.LiveLog(log)
    old = live.ds
    transport = httpx.ASGITransport(app=live)
    async with httpx.AsyncClient(transport=transport, base_url="http://log") as client:
        assert LEAK in (await client.get("/disclosure/questions.csv")).text
        build_public_db([record("Knife crime funding", "Ask [redacted] about it.")], log)
        after = await client.get("/disclosure/questions.csv")
        assert LEAK not in after.text and live.swaps == 1
        await asyncio.sleep(0.1)
    assert old.executor._shutdown, "the replaced log's threads are let go"


async def test_a_new_connection_after_a_rename_reads_the_file_that_was_checked(tmp_path):
    """Datasette opens a connection per thread, lazily: one opened after a broken file was
    renamed into place must still read the log that was checked, not the broken file."""
    import asyncio

    from foikit.publishing import serve

    log = tmp_path / "disclosure.db"
    build_public_db([record("Knife crime funding", "Four.")], log)
    live = serve.LiveLog(log)
    transport = httpx.ASGITransport(app=live)
    async with httpx.AsyncClient(transport=transport, base_url="http://log") as client:
        assert (await client.get("/disclosure/questions.json")).status_code == 200
        tmp = tmp_path / "broken"
        tmp.write_bytes(b"not a database at all")
        os.replace(tmp, log)
        # Queries on every thread, at once: each must use its connection to the checked file.
        pages = ["/disclosure/questions.json", "/disclosure/disclosures.json", "/disclosure"]
        responses = await asyncio.gather(*(client.get(p) for p in pages * 4))
    assert [r.status_code for r in responses] == [200] * 12
