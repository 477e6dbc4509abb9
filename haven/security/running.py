"""Running servers and the emergency wipe: a wiped server stops serving within a second.

Destroying the key files (`haven.security.wipe`) does not stop a server that is already
running: it holds the derived keys in memory and the database open, so it would go on
answering from data whose key no longer exists on disk. Two mechanisms, each enough alone:

- **Registration and signal.** `haven serve` registers itself in the key directory's `run/`
  folder (owner only, 0700): one file per process with its pid and the kernel's start time of
  that pid (so a recycled pid is never signalled). The wipe sends SIGTERM to every registered
  process, waits a few seconds, then SIGKILLs those still there.
- **The wipe marker.** The wipe writes `run/wiped` (a new file each time) in the key
  directory, outside `var/` and away from the database. Every server notes the marker as it
  was when it started; a `WipeGuard` compares on every request (one `stat`, about a
  microsecond) and, in `haven serve`, once a second from a watcher thread. Once it differs the
  server is *tripped*: it drops its keyring and session factory, disposes of its engine
  (closing every database file handle, so nothing can be read through them), refuses any new
  database connection, answers 503 to every request (sessions, tokens, logins, pages, the
  API), and sends itself SIGTERM.

The marker works even when the wipe cannot signal (another user's process, a server started
before this code, a process that ignores SIGTERM). What stays out of reach: a Haven running
with another key directory (another installation), and Python's memory — keys dropped are
not overwritten, so a memory image taken before the process exits may still hold them; hence
the process is made to exit.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from haven import i18n
from haven.i18n import N_

log = logging.getLogger("haven.security")

RUN_DIR = "run"
MARKER = "wiped"
WATCH_SECONDS = 1.0
UNAVAILABLE = N_("Haven is not available on this computer.")


def run_dir(key_dir: Path) -> Path:
    return key_dir / RUN_DIR


def marker_path(key_dir: Path) -> Path:
    return run_dir(key_dir) / MARKER


def _private_dir(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)


def _start_time(pid: int) -> str | None:
    """The kernel's start time of `pid` (field 22 of /proc/PID/stat), or None if gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    if not fields or fields[0] in ("Z", "X"):  # a zombie has exited already
        return None
    return fields[19] if len(fields) > 19 else None


def _alive(pid: int, start: str | None) -> bool:
    current = _start_time(pid)
    if current is None:
        if Path("/proc/self/stat").exists():
            return False
        try:  # no /proc (not Linux): whether the pid exists at all
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    return start is None or current == start


# --- registration ---------------------------------------------------------------------------


def register(key_dir: Path) -> Path:
    """Record this process as a running Haven server; the path of its registration."""
    folder = run_dir(key_dir)
    _private_dir(folder)
    pid = os.getpid()
    path = folder / f"{pid}.json"
    data = json.dumps({"pid": pid, "start": _start_time(pid)}).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return path


def registered(key_dir: Path) -> list[int]:
    """Pids of the Haven servers registered in this key directory and still running (never
    this process); stale registrations are removed."""
    folder = run_dir(key_dir)
    found: list[int] = []
    if not folder.is_dir():
        return found
    for path in folder.glob("*.json"):
        try:
            entry = json.loads(path.read_text())
            pid, start = int(entry["pid"]), entry.get("start")
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if pid == os.getpid():
            continue
        if _alive(pid, start):
            found.append(pid)
        else:
            path.unlink(missing_ok=True)
    return sorted(found)


@contextlib.contextmanager
def serving(key_dir: Path, guard: WipeGuard) -> Iterator[None]:
    """While a server runs: registered, and watched (it stops itself once wiped)."""
    path: Path | None = None
    try:
        path = register(key_dir)
    except OSError as error:
        log.warning("could not register the server in %s (%s)", key_dir, type(error).__name__)
    guard.watch(terminate=True)
    try:
        yield
    finally:
        guard.stop_watching()
        if path is not None:
            path.unlink(missing_ok=True)


# --- the wipe's side ----------------------------------------------------------------------


def mark_wiped(key_dir: Path) -> Path:
    """Write a new wipe marker (a new file, so every server sees it change)."""
    folder = run_dir(key_dir)
    _private_dir(folder)
    marker = marker_path(key_dir)
    staged = folder / f".{MARKER}.{secrets.token_hex(8)}"
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(f"{time.time_ns()} {secrets.token_hex(16)}\n".encode())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(staged, marker)
    return marker


def stop_servers(key_dir: Path, *, grace: float = 5.0) -> tuple[list[int], list[int]]:
    """SIGTERM every registered server, then SIGKILL those still running after `grace`
    seconds; (signalled, killed)."""
    pids = registered(key_dir)
    starts = {pid: _start_time(pid) for pid in pids}
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    remaining = list(pids)
    while remaining and time.monotonic() < deadline:
        time.sleep(0.05)
        remaining = [pid for pid in remaining if _alive(pid, starts[pid])]
    for pid in remaining:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return pids, remaining


# --- the server's side --------------------------------------------------------------------


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns, info.st_size


class ServerWiped(RuntimeError):
    """This server was wiped: it opens nothing any more."""


class WipeGuard:
    """Trips once the wipe marker differs from what it was when the server started."""

    def __init__(self, key_dir: Path) -> None:
        self.marker = marker_path(key_dir)
        self._baseline = _identity(self.marker)
        self._tripped = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []
        self._terminate = False

    @property
    def tripped(self) -> bool:
        return self._tripped.is_set()

    def on_trip(self, callback: Callable[[], None]) -> None:
        self._callbacks.append(callback)

    def check(self) -> bool:
        """Whether this server is wiped (one stat of the marker)."""
        if self._tripped.is_set():
            return True
        if _identity(self.marker) != self._baseline:
            self.trip()
        return self._tripped.is_set()

    def trip(self) -> None:
        with self._lock:
            if self._tripped.is_set():
                return
            self._tripped.set()
            callbacks, self._callbacks = self._callbacks, []
        log.warning("wipe marker seen: this server drops its keys and stops")
        for callback in callbacks:
            try:
                callback()
            except Exception as error:  # noqa: BLE001 - every callback must run; report the type
                log.error("while stopping after a wipe: %s", type(error).__name__)  # noqa: TRY400 - the type only: a message can carry data
        if self._terminate:
            os.kill(os.getpid(), signal.SIGTERM)

    def watch(self, *, terminate: bool = False, interval: float = WATCH_SECONDS) -> None:
        """Check once every `interval` seconds in a daemon thread; with `terminate`, the
        process sends itself SIGTERM once tripped (only for a real server process)."""
        self._terminate = terminate

        def loop() -> None:
            while not self._stop.wait(interval):
                if self.check():
                    return

        threading.Thread(target=loop, name="haven-wipe-guard", daemon=True).start()

    def stop_watching(self) -> None:
        self._stop.set()

    def protect(self, engine: Engine) -> None:
        """Refuse every new connection of `engine` once tripped (before the key is used)."""

        def refuse(*_args: Any) -> None:
            if self._tripped.is_set():
                raise ServerWiped("this Haven server was wiped")

        event.listen(engine, "do_connect", refuse, insert=True)


class WipeGuardMiddleware:
    """Outermost ASGI middleware: once the guard trips, every request gets 503."""

    def __init__(self, app: Any, *, guard: WipeGuard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket") or not self.guard.check():
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1013})
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        language = i18n.pick_language(accept_language=headers.get("accept-language"))
        message = i18n.render(UNAVAILABLE, language)
        if scope["path"].startswith("/api/"):
            body = json.dumps({"error": "unavailable", "detail": message}).encode()
            kind = b"application/json"
        else:
            body = (
                f'<!doctype html><html lang="{language}"><meta charset="utf-8">'
                f"<title>Haven</title><p>{message}</p></html>"
            ).encode()
            kind = b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", kind),
                    (b"cache-control", b"no-store"),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
