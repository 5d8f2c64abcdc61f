"""The policy: configuration, the risk matrix, CEL rules, limits and ``evaluate``. Pure: no I/O but loading."""

from importlib import resources

from tether.policy._config import PolicyConfig, ToolPolicy, load_config
from tether.policy._durations import format_duration, parse_duration
from tether.policy._engine import Declared, Policy
from tether.policy._interrupt_on import from_interrupt_on
from tether.policy._matrix import RiskMatrix


def template_text() -> str:
    """The commented starter policy that ``tether init`` writes (the demo builds on it too)."""
    return resources.files("tether.policy").joinpath("template.toml").read_text(encoding="utf-8")


__all__ = [
    "Declared",
    "Policy",
    "PolicyConfig",
    "RiskMatrix",
    "ToolPolicy",
    "format_duration",
    "from_interrupt_on",
    "load_config",
    "parse_duration",
    "template_text",
]
