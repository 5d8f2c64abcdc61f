"""Drop-in integrations with agent frameworks, one extra each:

- ``tether.integrations.langgraph`` — ``pip install "tether[langgraph]"``
- ``tether.integrations.anthropic`` — ``pip install "tether[anthropic]"``
- ``tether.integrations.openai`` — ``pip install "tether[openai]"``
- ``tether.integrations.mcp_gateway`` — ``pip install "tether[mcp]"`` (and ``tether mcp-gateway``)

Importing one without its extra raises an ImportError that names the extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType


def require(module: str, extra: str) -> ModuleType:
    """Import ``module`` or explain which extra provides it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"this integration needs {module.split('.')[0]}: pip install 'tether[{extra}]' ({exc})"
        ) from exc
