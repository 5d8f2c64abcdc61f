"""Policy entries from LangChain's ``HumanInTheLoopMiddleware(interrupt_on=...)``, for ``tether policy from-langchain``.

``interrupt_on`` names, per tool, whether a human must review it (``True``, or a config with
``allowed_decisions``) or not (``False``). In Tether that is a classification: a tool that always waited for a
human becomes high risk and irreversible (held for approval, which the autonomy ladder may not raise above), one
that did not becomes low risk and reversible (runs at once). The entries are a starting point: the real risk and
reversibility of each tool decide more than a yes/no ever did.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tether.errors import ConfigError
from tether.policy._config import DECISION_KINDS

HEADER = """\
# From HumanInTheLoopMiddleware(interrupt_on=...): a tool that paused for a human is held for approval (high
# risk, irreversible); one that did not runs at once (low risk, reversible). Review each tool's real risk and
# reversibility: they decide more than a yes/no did (rules, limits, confidence and the autonomy ladder build on them).
"""


def from_interrupt_on(interrupt_on: Mapping[str, Any], *, source: str = "interrupt_on") -> str:
    """TOML ``[tools.*]`` entries equivalent to ``interrupt_on``; ConfigError naming the tool and key if it is not
    one LangChain accepts."""
    if not isinstance(interrupt_on, Mapping) or not interrupt_on:
        raise ConfigError("expected an object of tool names to true, false or a config", file=source)
    entries = [HEADER]
    for tool, config in interrupt_on.items():
        key = str(tool)
        lines = [f"[tools.{json.dumps(tool) if not tool.isidentifier() else tool}]"]
        if config is False:
            lines += ['risk = "low"', 'reversible = "yes"']
        elif config is True:
            lines += ['risk = "high"', 'reversible = "no"']
        elif isinstance(config, Mapping):
            lines += ['risk = "high"', 'reversible = "no"', *_config_lines(config, source, key)]
        else:
            raise ConfigError(
                f"expected true, false or an object with allowed_decisions, got {config!r}", file=source, key=key
            )
        entries.append("\n".join(lines) + "\n")
    return "\n".join(entries)


def _config_lines(config: Mapping[str, Any], source: str, key: str) -> list[str]:
    unknown = sorted(set(config) - {"allowed_decisions", "description", "when", "args_schema"})
    if unknown:
        raise ConfigError(
            f"unknown key {unknown[0]!r} (LangChain's InterruptOnConfig has allowed_decisions, description, when)",
            file=source,
            key=key,
        )
    allowed = config.get("allowed_decisions")
    where = f"{key}.allowed_decisions"
    if not isinstance(allowed, list) or not allowed:
        raise ConfigError(f"a non-empty list of {', '.join(DECISION_KINDS)} is required", file=source, key=where)
    bad = [d for d in allowed if d not in DECISION_KINDS]
    if bad:
        raise ConfigError(f"{bad[0]!r} is not one of {', '.join(DECISION_KINDS)}", file=source, key=where)
    lines = []
    if tuple(dict.fromkeys(allowed)) != DECISION_KINDS:
        lines.append(f"decisions = {json.dumps(list(dict.fromkeys(allowed)))}")
    description = config.get("description")
    if isinstance(description, str) and description:
        lines.append(f"description = {json.dumps(description)}")
    if "when" in config:
        lines.append("# `when` (a Python predicate) has no TOML form: write it as a [[rules]] CEL condition")
    return lines
