"""The policy: configuration, the risk matrix, CEL rules, limits and ``evaluate``. Pure: no I/O but loading."""

from tether.policy.config import PolicyConfig, ToolPolicy, load_config
from tether.policy.durations import format_duration, parse_duration
from tether.policy.engine import Declared, Policy
from tether.policy.matrix import RiskMatrix

__all__ = [
    "Declared",
    "Policy",
    "PolicyConfig",
    "RiskMatrix",
    "ToolPolicy",
    "format_duration",
    "load_config",
    "parse_duration",
]
