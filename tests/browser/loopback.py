"""A loopback forwarder that gives one browser test a client address of its own.

Haven throttles login attempts per client address, in the server's memory (a token bucket:
`haven.security.throttle.ClientLimiter`). Every test's Chromium connects from 127.0.0.1, so
the tests of one worker, one after another against the same server, would spend one bucket
between them and, on a fast machine, be refused with 429 part-way through the run. Each test
instead reaches the server through this forwarder, which connects from its own address in
127.0.0.0/8 (all of it is loopback on Linux): to Haven, each test is a different desk, as in
real use, and the production limits stay as they are.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType


class Forwarder:
    """Listen on 127.0.0.1:<port>; forward each connection to `target` from `source`."""

    def __init__(self, target: tuple[str, int], *, source: str) -> None:
        self.target = target
        self.source = source
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, name="forwarder", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            upstream = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                upstream.bind((self.source, 0))
                upstream.connect(self.target)
            except OSError:
                client.close()
                upstream.close()
                continue
            with self._lock:
                if self._closed:
                    client.close()
                    upstream.close()
                    return
                self._open.update((client, upstream))
            pair = _Pair(self, client, upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=pair.pump, args=(source, sink), name="forwarder-pump", daemon=True
                ).start()

    def _forget(self, *sockets: socket.socket) -> None:
        with self._lock:
            for sock in sockets:
                self._open.discard(sock)
                sock.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            open_sockets = list(self._open)
            self._open.clear()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._listener.close()
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes a pump blocked in recv()
            sock.close()

    def __enter__(self) -> Forwarder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class _Pair:
    """Two sockets spliced together: each side's end of data half-closes the other; the
    second pump to finish closes both."""

    def __init__(self, owner: Forwarder, a: socket.socket, b: socket.socket) -> None:
        self._owner = owner
        self._sockets = (a, b)
        self._running = 2
        self._lock = threading.Lock()

    def pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            # A reset or a closed forwarder: end both directions.
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        with self._lock:
            self._running -= 1
            last = self._running == 0
        if last:
            self._owner._forget(*self._sockets)
