"""``tether demo``: a scripted support-operations agent, served live or run once in the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tether.cli._app import app, out, settings_of

# Where the demo keeps its store, policy and logins unless --db / --config say otherwise: a person's own
# tether.db (a hash-chained audit log) must not fill with fake transfers.
DEMO_DIR = Path(".tether-demo")


@app.command()
def demo(
    ctx: typer.Context,
    once: Annotated[
        bool,
        typer.Option(
            "--once", help="Run the six example tasks (and one unsure call) in the terminal instead of serving."
        ),
    ] = False,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8700,
    run_for: Annotated[
        float | None, typer.Option("--for", min=1, help="Stop after this many seconds (default: until Ctrl+C).")
    ] = None,
    pace: Annotated[float, typer.Option(min=0.01, help="Scale the scripted agent's pauses (2 = half as busy).")] = 1.0,
) -> None:
    """Serve the dashboard with a scripted support-operations agent producing realistic traffic.

    Prints the URL and reviewer logins. The agent is a script (no model is called) working through the example
    policy's tools: auto, notify, override with undo, approvals (one needing two reviewers), a low-confidence
    escalation, a shadow-mode lane, and a burst of refund emails that trips a breaker. ``--once`` runs the six
    example tasks in the terminal and exits. The store, policy and logins live in .tether-demo/ unless --db or
    --config name others; the logins are the same from one run to the next.
    """
    settings = settings_of(ctx)
    if once:
        from tether.demo.scenario import run

        DEMO_DIR.mkdir(exist_ok=True)
        config = Path(settings.config) if settings.config and settings.config_explicit else DEMO_DIR / "once.toml"
        db = settings.db if settings.db_explicit else f"sqlite:///{DEMO_DIR / 'once.db'}"
        run(config=config, db=db, console=out)
        return
    from tether.demo.live import serve_demo

    own = settings.config if settings.config_explicit else None
    serve_demo(
        db=settings.db if settings.db_explicit else f"sqlite:///{DEMO_DIR / 'tether.db'}",
        host=host,
        port=port,
        console=out,
        policy_path=Path(own) if own else DEMO_DIR / "tether-demo.toml",
        write_policy=not own,
        run_for=run_for,
        pace=pace,
        logins_file=DEMO_DIR / "logins.json",
    )
