"""``tether serve``: the dashboard, the REST API, live events and the chat endpoints in one process.

The server (FastAPI, uvicorn, Jinja2) is imported when the command runs, never by ``import tether.cli``: every
other command starts without it, and it is an extra.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from rich.text import Text

from tether.cli._app import app, err, load_policy, settings_of


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8700,
    sweep_lease: Annotated[
        float,
        typer.Option(
            "--sweep-lease", min=0.5, help="Seconds before due timers claimed by an instance that died go to another."
        ),
    ] = 60.0,
) -> None:
    """Serve the dashboard at /, the REST API (/v1, OpenAPI at /docs), live events, Slack and email endpoints,
    /healthz, /readyz and /metrics. Several instances may share one PostgreSQL database."""
    import uvicorn

    from tether.plane import ControlPlane
    from tether.server import create_app
    from tether.store import open_store

    settings = settings_of(ctx)
    plane = ControlPlane(load_policy(settings), open_store(settings.db), sweep_lease=timedelta(seconds=sweep_lease))
    err.print(Text(f"tether serving {settings.db} on http://{host}:{port} (policy {plane.policy.source})"))
    uvicorn.run(create_app(plane), host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)
