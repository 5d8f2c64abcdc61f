"""``tether mcp-gateway``: an upstream MCP server's tools, served to any MCP client with every call gated.

The ``mcp`` package is an extra; without it the command exits 2 naming the extra, and no other command imports it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from tether.cli._app import app, fail, load_policy, settings_of


@app.command("mcp-gateway")
def mcp_gateway(
    ctx: typer.Context,
    upstream: Annotated[
        str | None, typer.Option("--upstream", help='The upstream MCP server\'s command, e.g. "npx -y server-x".')
    ] = None,
    upstream_url: Annotated[
        str | None, typer.Option("--upstream-url", help="Or its streamable HTTP URL, e.g. http://host:8000/mcp.")
    ] = None,
    wait: Annotated[
        float, typer.Option("--wait", min=0, help="Seconds a held call waits for a decision before it returns.")
    ] = 30.0,
    agent: Annotated[str, typer.Option("--agent", help="The agent name its calls are recorded under.")] = "mcp",
    listen: Annotated[
        str | None, typer.Option("--listen", help="Serve streamable HTTP at HOST:PORT (/mcp) instead of stdio.")
    ] = None,
    approve_in_client: Annotated[
        str | None,
        typer.Option(
            "--approve-in-client",
            metavar="NAME",
            help="The client's user is the reviewer NAME: ask them (MCP elicitation) to approve held calls. "
            "Never for locked tools or calls needing several approvals. Off by default.",
        ),
    ] = None,
) -> None:
    """Serve an upstream MCP server's tools to any MCP client, every call gated by the policy (needs
    `pip install "tether\\[mcp]"`). Held calls return "awaiting approval (action ID)"; calling the same tool with
    the same arguments again picks up the decision. See docs/integrations/mcp.md."""
    try:
        from tether.integrations.mcp_gateway import run_gateway
    except ImportError as exc:
        fail(str(exc), 2)
    from tether.agent._gate import Gate

    if (upstream is None) == (upstream_url is None):
        fail("give the upstream MCP server with --upstream COMMAND or --upstream-url URL (exactly one)", 2)
    settings = settings_of(ctx)
    gate = Gate(load_policy(settings), settings.db, poll_interval=0.1)
    run_gateway(
        gate,
        upstream=upstream,
        upstream_url=upstream_url,
        agent=agent,
        wait=wait,
        listen=listen,
        approve_in_client=approve_in_client,
    )
