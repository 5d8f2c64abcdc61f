"""``tether init`` and ``tether policy``: write, check and explain the policy file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from tether.cli._app import JsonFlag, app, fail, json_object, open_plane, out, print_json, safe, settings_of

policy_app = typer.Typer(help="Check a policy file and explain its verdicts.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the policy.")] = Path("tether.toml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented tether.toml with the six example tools of the risk matrix."""
    from tether.policy import template_text

    if path.exists() and not force:
        fail(f"{path} already exists (use --force to overwrite it)", 1)
    path.write_text(template_text(), encoding="utf-8")
    out.print(Text(f"wrote {path}; check it with `tether policy check {path}`"))


@policy_app.command("check")
def policy_check(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(help="Policy file (default: --config).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Validate a policy file: schema, risk levels, CEL rules, limits. Exit 2 with every problem if bad."""
    from tether.policy import Policy

    path = file or Path(settings_of(ctx).config or "tether.toml")
    policy = Policy.from_file(path)
    summary = {
        "file": str(path),
        "ok": True,
        "version": policy.version,
        "tools": len(policy.config.tools),
        "rules": len(policy.rules),
        "limits": len(policy.limits),
    }
    if as_json:
        print_json(summary)
        return
    out.print(
        Text(
            f"{path}: ok — {summary['tools']} tools, {summary['rules']} rules, {summary['limits']} limits "
            f"(policy version {policy.version[:12]})"
        )
    )


@policy_app.command("explain")
def policy_explain(
    ctx: typer.Context,
    tool: Annotated[str, typer.Argument(help="The tool name.")],
    args: Annotated[str, typer.Option("--args", help="The call's arguments as a JSON object.")] = "{}",
    agent: Annotated[str, typer.Option("--agent", help="The calling agent.")] = "agent",
    confidence: Annotated[float | None, typer.Option("--confidence", help="The agent's confidence, 0–1.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Show the verdict the policy gives one call now, with every reason (its lane's history included)."""
    from tether.model import ToolCall
    from tether.policy import format_duration

    parsed = json_object(args, "--args")
    call = ToolCall(tool=tool, args=parsed, agent=agent, confidence=confidence)
    with open_plane(ctx, policy_required=True) as plane:
        verdict = plane.evaluate(call)
    if as_json:
        from tether.wire import VerdictOut

        print_json(VerdictOut.of(verdict).model_dump(mode="json"))
        return
    header = Text(f"{tool} → {verdict.mode.value}")
    header.stylize("bold")
    out.print(header)
    details = [f"ceiling {verdict.ceiling.value}", f"urgency {verdict.urgency.value}"]
    if verdict.locked:
        details.append("locked (a human is always required)")
    if verdict.window:
        details.append(f"undo window {format_duration(verdict.window)}")
    if verdict.timeout:
        details.append(f"expires after {format_duration(verdict.timeout)}")
    if verdict.quorum > 1:
        details.append(f"quorum {verdict.quorum}")
    if verdict.reviewers:
        details.append(f"reviewers {verdict.reviewers}")
    out.print(Text("  " + ", ".join(details)))
    for reason in verdict.reasons:
        out.print(Text("  • ") + safe(reason.text))


@policy_app.command("from-langchain")
def policy_from_langchain(
    interrupt_on: Annotated[
        str, typer.Argument(help="HumanInTheLoopMiddleware's interrupt_on as JSON, or - to read it from stdin.")
    ],
) -> None:
    """Print tether.toml entries equivalent to HumanInTheLoopMiddleware(interrupt_on=...): tools that paused for
    a human are held for approval, the others run at once. Append them to your policy and review each tool."""
    import json
    import sys

    from tether.errors import ConfigError
    from tether.policy import from_interrupt_on

    text = sys.stdin.read() if interrupt_on == "-" else interrupt_on
    try:
        mapping = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"not JSON ({exc}); give interrupt_on as JSON, e.g. '{{\"send_email\": true}}'") from None
    sys.stdout.write(from_interrupt_on(mapping))
