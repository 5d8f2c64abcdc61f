"""Tables that fit the terminal: whole columns when they fit, one block per row when they do not.

A Rich table squeezed into 80 columns cuts what a reviewer needs whole — ``transfe…``, ``support-…``, half an
action id to paste into ``tether approve`` — and wraps a reason one word per line. When the columns cannot all
show their words whole at the terminal's width, each row is printed as its first value on a line of its own, then one
``header  value`` line per other column, values wrapping under themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from tether._display import visible


class FittingTable(Table):
    def add_row(self, *renderables: RenderableType | None, **options: Any) -> None:
        """Cells as a person must see them (``tether._display``): an agent's direction controls, invisible
        characters and line breaks cannot disguise a value or forge another row."""
        shown = [visible(cell, one_line=True) if type(cell) is str else cell for cell in renderables]
        super().add_row(*shown, **options)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Any]:
        if not self.show_header or not self.columns or self._least_width(console, options) <= options.max_width:
            yield from super().__rich_console__(console, options)
            return
        yield from self._records()

    def _least_width(self, console: Console, options: ConsoleOptions) -> int:
        """The narrowest the table can be with no word cut: each column's longest word (an id, a tool name, a
        lane), plus borders and padding. Prose wraps inside its column; a word never has to."""
        wide = options.update_width(10**6)
        return sum(self._measure_column(console, wide, column).minimum for column in self.columns) + self._extra_width

    def _records(self) -> Iterator[RenderableType]:
        headers = [str(column.header) for column in self.columns]
        cells = [list(column.cells) for column in self.columns]
        for row in range(self.row_count):
            first = cells[0][row]
            yield Text.assemble(first, style="bold") if isinstance(first, str | Text) else first
            fields = Table.grid(padding=(0, 2))
            fields.add_column(style="dim", no_wrap=True)
            fields.add_column(overflow="fold")
            for header, column in zip(headers[1:], cells[1:], strict=True):
                value = column[row]
                if value is not None and str(value).strip():
                    fields.add_row(header, value)
            yield Padding(fields, (0, 0, 1, 2), expand=False)
