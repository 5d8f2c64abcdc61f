"""The server's listening socket, bound before anything is printed: a port that is taken is one clear error at once
(not a "serving on ..." line followed by a traceback), and ``--port 0`` reports the port the system chose."""

from __future__ import annotations

import errno
import socket

from tether.errors import UsageError


def listen(host: str, port: int, *, choose: str = "--port") -> socket.socket:
    """A TCP socket bound to ``host:port`` (not yet listening: uvicorn does that). ``choose`` is how the person
    picks another port, for the error message."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise UsageError(
            f"cannot listen on {host!r}: {exc.strerror} (--host takes one of this machine's addresses)"
        ) from None
    # IPPROTO_TCP named: asyncio sets TCP_NODELAY only on sockets that say so (without it, ~40 ms per response).
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: a restart need not wait
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            reason = "is already in use: stop what uses it, or choose another port"
        elif exc.errno == errno.EACCES:
            reason = "needs privileges this process does not have: choose a port above 1023"
        else:
            reason = f"cannot be used ({exc.strerror})"
        raise UsageError(f"port {port} on {host} {reason} with {choose}") from None
    return sock


def url_of(sock: socket.socket) -> str:
    """The http URL a bound socket serves, with the port it really got."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"
