"""The agent side: the Gate, its tool registry, the worker that runs durable work, outcomes as an agent sees
them, shadow experiments, and the remote client behind ``tether.connect``."""

from tether.agent._experiment import Experiment, Proposal
from tether.agent._gate import Gate
from tether.agent._signals import ToolNotRun

__all__ = ["Experiment", "Gate", "Proposal", "ToolNotRun"]
