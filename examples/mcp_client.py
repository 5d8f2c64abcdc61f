"""An MCP client talking to the notes server through `tether mcp-gateway`, as Claude Desktop or any MCP client
would (no LLM needed). Run it in an empty directory: `python mcp_client.py`.

The gateway holds delete_note for approval; the script approves it with the `tether` CLI, as a reviewer would,
then makes the identical call again, which picks up the approval and runs the tool exactly once.
"""

import re
import subprocess
import sys
from pathlib import Path

import anyio
from mcp import ClientSession, StdioServerParameters, stdio_client

HERE = Path(__file__).resolve().parent
TETHER = [sys.executable, "-m", "tether.cli", "--config", str(HERE / "mcp_policy.toml"), "--db", "sqlite:///tether.db"]
GATEWAY = StdioServerParameters(
    command=TETHER[0],
    args=[*TETHER[1:], "mcp-gateway", "--upstream", f"{sys.executable} {HERE / 'mcp_server.py'}", "--wait", "1"],
)


async def main() -> None:
    async with stdio_client(GATEWAY) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        tools = await session.list_tools()
        print("tools:", ", ".join(sorted(tool.name for tool in tools.tools)))

        async def call(tool: str, **args: str) -> str:
            result = await session.call_tool(tool, args)
            text = " ".join(block.text for block in result.content if block.type == "text")
            print(f"{tool}: {'error' if result.is_error else 'ok'}: {text}")
            return text

        await call("search_notes", query="Friday")  # auto: runs at once
        held = await call("delete_note", title="launch plan")  # held: waits 1 s, then "Awaiting approval (action …)"
        action = re.search(r"action ([0-9a-f]{32})", held)
        assert action is not None
        # a reviewer approves (or uses the dashboard, Slack, email, HTTP)
        subprocess.run([*TETHER, "approve", action.group(1), "--by", "alice"], check=True, capture_output=True)
        await call("delete_note", title="launch plan")  # the identical call picks up the approval: it runs once
        await call("export_notes")  # not in the policy: held although the server calls it read-only


anyio.run(main)
