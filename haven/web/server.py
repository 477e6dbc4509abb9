"""Serving the web app: one process, or several sharing one listening socket.

One Python process runs Python code on one core at a time (the GIL): at a crossing where four
desks register at once, the server process was busy 96-102 % of a core and four desks were no
faster than one. `haven serve --processes N` (or `HAVEN_PROCESSES`) therefore forks N server
processes after the keys are unlocked — the passphrase is asked once, and the derived keys
are inherited, never written anywhere — that accept connections from one socket bound by the
parent. Each child has its own database connections (none cross the fork), its own job worker
(jobs are claimed with a lease, so workers never run one job twice), and its own wipe guard;
each registers itself for `haven wipe --emergency`, and so does the parent, which passes a
SIGTERM or SIGINT on to its children and replaces a child that dies unexpectedly.

SQLite in WAL mode serves several processes: readers never wait, and writers take the
database's write lock in turn (haven.db.engine). The defaults stay one process: a registrar's
laptop needs no more, and each process costs about 200 MB.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from types import FrameType

import uvicorn
from sqlalchemy import Engine

from haven.config import Settings
from haven.db.engine import refresh_statistics
from haven.db.keyring import Keyring
from haven.jobs.runner import Runner, Worker
from haven.security import running
from haven.web.app import create_app
from haven.web.logs import uvicorn_config

log = logging.getLogger("haven.web")

# A child that dies within this long of its start is not started again at once (a crash loop).
RESTART_PAUSE = 1.0
# How often the parent looks at its children and at the wipe marker.
WAIT_SECONDS = 0.2
# A child still running this long after SIGTERM is killed (the wipe's own grace is 5 s).
KILL_AFTER = 4.0


@dataclass(frozen=True)
class Serving:
    """What every server process needs: the unlocked keys, the engine and where to listen."""

    settings: Settings
    engine: Engine
    keyring: Keyring
    host: str
    port: int


def _config(serving: Serving, app: object) -> uvicorn.Config:
    return uvicorn.Config(
        app,  # type: ignore[arg-type]  # an ASGI app
        host=serving.host,
        port=serving.port,
        log_level=serving.settings.log_level.lower(),
        proxy_headers=False,
        server_header=False,
        # Keep idle connections open longer than people pause between pages: at uvicorn's
        # 5 s a request sent on a kept-alive connection as the server closes it is reset
        # (the load test saw 32 of 9,247 requests so, bench/load).
        timeout_keep_alive=75,
        # Uvicorn's access log would write query strings; Haven writes one line a request
        # itself (haven.web.middleware), and every line without values.
        access_log=False,
        log_config=uvicorn_config(serving.settings.log_level),
    )


@contextlib.contextmanager
def _app(serving: Serving, *, housekeeping: bool) -> Iterator[object]:
    """The app of one server process, its job worker and its wipe guard, while it serves."""
    settings = serving.settings
    app = create_app(settings, engine=serving.engine, keyring=serving.keyring)
    guard: running.WipeGuard = app.state.wipe_guard
    guard.protect(serving.engine)
    # Background jobs (large imports, recomputations) run in a thread beside the server; a
    # wipe stops the whole process, the worker with it.
    runner = Runner(app.state.session_factory, lease=timedelta(seconds=settings.job_lease_seconds))
    worker = Worker(
        runner,
        poll=settings.job_poll_seconds,
        # The query planner's statistics, hourly (a database grows between starts).
        housekeeping=(lambda: refresh_statistics(serving.engine)) if housekeeping else None,
    )
    app.state.wake_jobs = worker.wake
    # Registered for `haven wipe --emergency`, which signals it; watched, so that it stops
    # within a second of a wipe even if the signal cannot reach it.
    with running.serving(settings.key_dir, guard):
        worker.start()
        try:
            yield app
        finally:
            worker.stop()


def serve_one(serving: Serving) -> None:
    """Serve from this process (the default)."""
    refresh_statistics(serving.engine)
    with _app(serving, housekeeping=True) as app:
        uvicorn.Server(_config(serving, app)).run()


def _listen(host: str, port: int) -> socket.socket:
    """The socket every child accepts from (bound once, by the parent)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP said out loud: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on
    # connections of a socket that says it is TCP; with proto 0 every answer waited for the
    # client's delayed ACK, 40 ms a request.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _child(serving: Serving, sock: socket.socket, number: int) -> None:
    """A server process: its own connections, app, worker and guard; never returns."""
    code = 0
    try:
        # The parent's pooled connections (none are open) must not be used here: a fresh pool.
        serving.engine.dispose(close=False)
        with _app(serving, housekeeping=number == 0) as app:
            uvicorn.Server(_config(serving, app)).run(sockets=[sock])
    except BaseException as error:  # noqa: BLE001 - a child reports and exits, never returns
        log.error("server process stopped: %s", type(error).__name__)  # noqa: TRY400 - the type only
        code = 1
    finally:
        os._exit(code)


def serve_many(serving: Serving, processes: int) -> None:
    """Fork `processes` server processes on one socket and watch over them until stopped."""
    refresh_statistics(serving.engine)
    serving.engine.dispose()  # no connection crosses the fork
    sock = _listen(serving.host, serving.port)
    children: dict[int, int] = {}  # pid -> slot
    started: dict[int, float] = {}
    stopping = False
    stopped_at = [0.0]

    def start(slot: int) -> None:
        pid = os.fork()
        if pid == 0:
            for name in (signal.SIGTERM, signal.SIGINT):
                signal.signal(name, signal.SIG_DFL)
            _child(serving, sock, slot)
        children[pid] = slot
        started[pid] = time.monotonic()

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        if not stopping:
            stopped_at[0] = time.monotonic()
        stopping = True
        for pid in list(children):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM if signum == signal.SIGTERM else signal.SIGINT)

    # The parent holds the keys too: registered for the wipe's signal, and it checks the
    # marker itself between waits (no watcher thread: threads and fork do not mix).
    guard = running.WipeGuard(serving.settings.key_dir)
    registration = running.register(serving.settings.key_dir)
    previous = {name: signal.signal(name, stop) for name in (signal.SIGTERM, signal.SIGINT)}
    try:
        for slot in range(processes):
            start(slot)
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                if not stopping and guard.check():
                    stop(signal.SIGTERM, None)
                if stopping and time.monotonic() > stopped_at[0] + KILL_AFTER:
                    for child in children:  # a child that ignores SIGTERM
                        with contextlib.suppress(OSError):
                            os.kill(child, signal.SIGKILL)
                time.sleep(WAIT_SECONDS)
                continue
            slot = children.pop(pid, -1)
            if slot < 0 or stopping:
                continue
            log.warning("server process %s exited (status %s): starting another", slot, status)
            if time.monotonic() - started.pop(pid, 0.0) < RESTART_PAUSE:
                time.sleep(RESTART_PAUSE)
            start(slot)
    finally:
        stop(signal.SIGTERM, None)
        for name, handler in previous.items():
            signal.signal(name, handler)
        sock.close()
        registration.unlink(missing_ok=True)
