"""`haven serve --processes N` binds its socket itself (haven.web.server): the connections it
accepts must have Nagle's algorithm off, as uvicorn's own sockets do, or every answer waits
for the client's delayed ACK (40 ms a request, measured with two server processes)."""

from __future__ import annotations

import asyncio
import socket
import threading

from haven.web.server import _listen


def test_connections_accepted_from_the_shared_socket_send_at_once() -> None:
    listening = _listen("127.0.0.1", 0)
    port = listening.getsockname()[1]
    flags: list[int] = []

    async def main() -> None:
        accepted = asyncio.Event()

        def connected(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            flags.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()
            accepted.set()

        server = await asyncio.start_server(connected, sock=listening)
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        await asyncio.wait_for(accepted.wait(), 10)
        writer.close()
        server.close()
        await server.wait_closed()

    # In a thread of its own: a browser test's driver may hold this thread's event loop.
    thread = threading.Thread(target=asyncio.run, args=(main(),))
    thread.start()
    thread.join(30)
    assert flags == [1]
