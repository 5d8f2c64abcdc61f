"""``tether serve``: the dashboard, the REST API, live events and the chat endpoints in one process.

The server (FastAPI, uvicorn, Jinja2) is imported when the command runs, never by ``import tether.cli``: every
other command starts without it, and it is an extra.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from typing import Annotated

import typer
from rich.text import Text

from tether.cli._app import Settings, app, err, load_policy, settings_of


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on (0: any free one).")] = 8700,
    sweep_lease: Annotated[
        float,
        typer.Option(
            "--sweep-lease", min=0.5, help="Seconds before due timers claimed by an instance that died go to another."
        ),
    ] = 60.0,
) -> None:
    """Serve the dashboard at /, the REST API (/v1, OpenAPI at /docs), live events, Slack and email endpoints,
    /healthz, /readyz and /metrics. Several instances may share one PostgreSQL database."""
    from tether.server import listen

    settings = settings_of(ctx)
    sock = listen(host, port)  # first: a taken port is an error before anything else is said or opened
    try:
        _serve(settings, sock, sweep_lease)
    finally:
        sock.close()


def _serve(settings: Settings, sock: socket.socket, sweep_lease: float) -> None:
    import uvicorn

    from tether.plane import ControlPlane
    from tether.server import create_app, export_from_env, url_of
    from tether.store import open_store

    policy = load_policy(settings)
    plane = ControlPlane(policy, open_store(settings.db), sweep_lease=timedelta(seconds=sweep_lease))
    if policy.source == "<default>":
        err.print(
            Text(
                "warning: no tether.toml here and no --config: serving the built-in default policy, which holds "
                "every call for a human (`tether init` writes a policy to edit)",
                style="yellow",
            )
        )
    tracing = export_from_env(os.environ)
    err.print(Text(f"tether serving {settings.db} on {url_of(sock)} (policy {policy.source})"))
    if tracing is not None:
        err.print(Text(tracing[0]))
    config = uvicorn.Config(create_app(plane), log_level="warning", timeout_graceful_shutdown=5)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        if tracing is not None:
            tracing[1]()  # flush the spans still in the batch
