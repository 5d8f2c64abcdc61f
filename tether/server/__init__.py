"""The Tether server (``pip install "tether[server]"``): REST API, live events, metrics.

``create_app(plane)`` builds the ASGI app; ``tether serve`` runs it with uvicorn.
"""

from __future__ import annotations

try:
    import fastapi  # noqa: F401
    import sse_starlette  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        f"the Tether server needs the 'server' extra: pip install \"tether[server]\" ({exc.name} is missing)"
    ) from exc

from tether.server._app import create_app
from tether.server._listen import listen, url_of
from tether.server._telemetry import export_from_env

__all__ = ["create_app", "export_from_env", "listen", "url_of"]
