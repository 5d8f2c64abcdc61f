"""Agent-written text as a person must see it: what it says, not what it makes the screen do.

An agent controls tool names, arguments and reasoning, and Unicode lets text lie about itself: a right-to-left
override makes ``ACCT-\u202e9999-0000\u202c`` read as ACCT-0000-9999, zero-width characters hide, and a line break
in a one-line field forges the lines after it (a fake ``why:`` or ``Approve:`` line in an email). ``visible``
shows every such character as its code point (``⟨U+202E⟩``) and, for one-line fields, every line break as ``⏎``.
The dashboard, email, Slack and CLI messages all pass agent text through it.
"""

from __future__ import annotations

import re
import unicodedata

LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_HIDDEN = re.compile(
    r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u206f\ufeff\ufff9-\ufffb]"
)
_BREAKS = re.compile(f"[{re.escape(LINE_BREAKS)}]")


def visible(text: str, *, one_line: bool = False) -> str:
    """``text`` with invisible and direction-changing characters shown as ``⟨U+XXXX⟩``; with ``one_line``, line
    breaks shown as ``⏎`` (tabs stay)."""
    if one_line:
        text = _BREAKS.sub("⏎", text.replace("\r\n", "\n"))
    text = _HIDDEN.sub(_code_point, text)
    if text.isascii():
        return text
    # format, unassigned, private-use and surrogate code points: none of them shows as what it is
    return "".join(_code_point_char(ch) if unicodedata.category(ch)[0] == "C" else ch for ch in text)


def _code_point(match: re.Match[str]) -> str:
    return _code_point_char(match.group(0))


def _code_point_char(ch: str) -> str:
    if ch in "\n\t":
        return ch
    return f"⟨U+{ord(ch):04X}⟩"
