"""A small MCP server to put behind `tether mcp-gateway`: notes to search, add, delete and export.

Any MCP server works the same way; this one only needs the SDK (`pip install "tether[mcp]"`).
"""

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations

server = MCPServer("notes", log_level="WARNING")
NOTES = {"launch plan": "ship on Friday", "retro": "write more tests"}


@server.tool(annotations=ToolAnnotations(read_only_hint=True))
def search_notes(query: str) -> str:
    """The titles of the notes that mention the query."""
    found = [title for title, body in NOTES.items() if query in title or query in body]
    return ", ".join(found) or "no note matches"


@server.tool()
def add_note(title: str, body: str) -> str:
    """Add (or replace) a note."""
    NOTES[title] = body
    return f"saved {title!r}"


@server.tool(annotations=ToolAnnotations(destructive_hint=True))
def delete_note(title: str) -> str:
    """Delete a note for good."""
    NOTES.pop(title, None)
    return f"deleted {title!r}"


@server.tool(annotations=ToolAnnotations(read_only_hint=True))
def export_notes() -> str:
    """Every note, in full."""
    return "\n".join(f"{title}: {body}" for title, body in NOTES.items())


if __name__ == "__main__":
    server.run()  # stdio
