"""Officers adding requests at the same moment get distinct references, and nothing is lost.

Eight processes add fifty requests each to one register file, all released together: the
reference is allocated inside the transaction that creates the request (BEGIN IMMEDIATE), so
the 400 references are distinct and the writers queue rather than fail with "database is locked".
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import traceback

from lifecycle_support import fresh_register

PROCESSES = 8
EACH = 50


def _worker(path: str, n: int, start: mp.synchronize.Event, out: mp.Queue) -> None:
    from foikit.casework.lifecycle import add_request
    from foikit.register import Register

    refs: list[str] = []
    errors: list[str] = []
    try:
        with Register(path) as reg:
            start.wait(timeout=60)
            for i in range(EACH):
                try:
                    refs.append(
                        add_request(
                            reg,
                            f"officer.{n}",
                            received=dt.date(2024, 6, 3),
                            subject=f"Request {i} from officer {n}",
                            questions=[f"Question of {n}/{i}"],
                            requester_name=f"Requester {n}/{i}",
                            requester_email=f"r{n}.{i}@example.org",
                            today=dt.date(2024, 7, 31),
                        )
                    )
                except Exception as e:  # reported to the test, which fails on any
                    errors.append(f"{type(e).__name__}: {e}")
    except Exception:
        errors.append(traceback.format_exc())
    out.put((n, refs, errors))


def test_eight_processes_adding_fifty_each_get_400_distinct_references(db_path):
    fresh_register(db_path).close()
    ctx = mp.get_context("fork")
    start, out = ctx.Event(), ctx.Queue()
    workers = [
        ctx.Process(target=_worker, args=(str(db_path), n, start, out)) for n in range(PROCESSES)
    ]
    for w in workers:
        w.start()
    start.set()
    results = [out.get(timeout=240) for _ in workers]
    for w in workers:
        w.join(timeout=60)

    errors = [e for _, _, errs in results for e in errs]
    assert errors == [], errors[:3]
    refs = [r for _, rs, _ in results for r in rs]
    assert len(refs) == PROCESSES * EACH
    assert len(set(refs)) == PROCESSES * EACH
    assert sorted(refs) == [f"FOI-2024-{i:04d}" for i in range(1, PROCESSES * EACH + 1)]

    from foikit.register import Register

    with Register(db_path) as reg:
        assert reg.scalar("SELECT COUNT(*) FROM requests") == PROCESSES * EACH
        assert reg.scalar("SELECT COUNT(DISTINCT reference) FROM requests") == PROCESSES * EACH
        assert reg.scalar("SELECT COUNT(*) FROM questions") == PROCESSES * EACH
        assert reg.scalar("SELECT COUNT(*) FROM requesters") == PROCESSES * EACH
        # Each request's requester is its own: no row crossed over under contention.
        crossed = reg.scalar(
            "SELECT COUNT(*) FROM requests r JOIN requesters p ON p.id = r.requester_id"
            " WHERE substr(r.subject, instr(r.subject, 'officer ') + 8)"
            " <> substr(p.name, 11, instr(p.name, '/') - 11)"
        )
        assert crossed == 0
        audited = reg.scalar(
            "SELECT COUNT(DISTINCT request_id) FROM audit WHERE action = 'add-request'"
        )
        assert audited == PROCESSES * EACH
        assert all(r["due"] for r in reg.query("SELECT due FROM requests"))
