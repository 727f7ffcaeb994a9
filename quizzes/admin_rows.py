"""The question editor's list settings as tables of inputs, one row a record (a calculated
question's answers, wildcards and dataset items), or read only (a Cloze question's gaps, read
out of its text). A type declares the table of a setting (qtypes/_spec.py's `Table`); this is
the one widget and field for all of them.

Every cell is a labelled input ("Formula, row 2"); a row is removed by its "Remove" box and
left out when blank; two blank rows are always there (rows.js adds more, but nothing needs
it). In a keyed table (dataset items) the column names are inputs too, with one blank column.
The field gives a list of dicts, cells typed by their column (a number, a choice); a bad cell
is an error on the field naming its row and column.
"""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .qtypes._spec import Column, Table

EXTRA_ROWS = 2
MAX_ROWS = 100
MAX_COLUMNS = 30
MAX_CELL_CHARS = 2000


def _cell(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _columns(table: Table, rows: list[dict[str, Any]]) -> list[Column]:
    if table.keyed is None:
        return list(table.columns)
    names = dict.fromkeys(str(k) for row in rows if isinstance(row, dict) for k in row)
    kind = table.keyed
    return [Column(n, n, kind.kind, kind.choices) for n in list(names)[:MAX_COLUMNS]]


class RowsWidget(forms.Widget):
    """Posted as `<name>-rows` (how many), `<name>-<row>-<column>` and `<name>-<row>-remove`;
    a keyed table also posts `<name>-columns` and `<name>-col-<n>` (the column names)."""

    def __init__(self, table: Table, label: str = "", attrs: dict[str, Any] | None = None):
        self.table, self.label = table, label
        super().__init__(attrs)

    class Media:
        js = ("quizzes/rows.js",)
        css = {"all": ("quizzes/rows.css",)}

    def id_for_label(self, id_: str) -> str:
        return f"{id_}-0-0" if id_ and not self.table.readonly else ""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[dict[str, str]]:
        count = min(_count(data.get(f"{name}-rows")), MAX_ROWS + EXTRA_ROWS)
        if self.table.keyed is None:
            keys = [c.key for c in self.table.columns]
        else:
            width = min(_count(data.get(f"{name}-columns")), MAX_COLUMNS)
            keys = [str(data.get(f"{name}-col-{c}", "")).strip() for c in range(width)]
        rows = []
        for r in range(count):
            if data.get(f"{name}-{r}-remove"):
                continue
            cells = {k: str(data.get(f"{name}-{r}-{c}", "")) for c, k in enumerate(keys) if k}
            if any(v.strip() for v in cells.values()):
                rows.append(cells)
        return rows

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        rows = [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []
        if self.table.readonly:
            return self._readonly(rows)
        columns = _columns(self.table, rows)
        keyed = self.table.keyed is not None
        width = len(columns) + (1 if keyed else 0)
        head = [self._head(name, c, i, keyed) for i, c in enumerate(columns)]
        if keyed:
            head.append(self._head(name, Column("", ""), len(columns), keyed))
        body = [
            self._row(name, r, columns, row, width)
            for r, row in enumerate([*rows, *([{}] * EXTRA_ROWS)])
        ]
        count = len(rows) + EXTRA_ROWS
        hidden = format_html('<input type="hidden" name="{}-rows" value="{}">', name, count)
        if keyed:
            hidden += format_html('<input type="hidden" name="{}-columns" value="{}">', name, width)
        return mark_safe(  # noqa: S308 - every value is escaped by format_html above
            f'<div class="rows-editor" data-name="{escape(name)}">{hidden}'
            f'<table class="rows-table"><caption class="visually-hidden">{escape(self.label)}'
            f'</caption><thead><tr>{"".join(head)}<th scope="col">Remove</th></tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>"
            '<p><button type="button" class="button rows-add" hidden>Add a row</button></p></div>'
        )

    def _head(self, name: str, column: Column, index: int, keyed: bool) -> str:
        if not keyed:
            return format_html('<th scope="col">{}</th>', column.label)
        return format_html(
            '<th scope="col"><input type="text" name="{}-col-{}" value="{}" size="8" '
            'maxlength="31" aria-label="Name of column {}"></th>',
            name,
            index,
            column.key,
            index + 1,
        )

    def _row(self, name: str, r: int, columns: list[Column], row: dict, width: int) -> str:
        cells = [self._input(name, r, c, col, row.get(col.key)) for c, col in enumerate(columns)]
        cells += ["<td></td>"] * (width - len(columns))
        remove = format_html(
            '<td><input type="checkbox" name="{}-{}-remove" aria-label="Remove row {}"></td>',
            name,
            r,
            r + 1,
        )
        return f"<tr>{''.join(cells)}{remove}</tr>"

    def _input(self, name: str, r: int, c: int, column: Column, value: Any) -> str:
        ident, label = f"id_{name}-{r}-{c}", f"{column.label or column.key}, row {r + 1}"
        if column.kind == "choice":
            options = "".join(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    v,
                    " selected" if _cell(value) == v else "",
                    v,
                )
                for v in ("", *column.choices)
            )
            return format_html(
                '<td><select name="{}-{}-{}" id="{}" aria-label="{}">{}</select></td>',
                name,
                r,
                c,
                ident,
                label,
                mark_safe(options),  # noqa: S308 - built by format_html
            )
        kind = ' inputmode="decimal" size="8"' if column.kind == "number" else ' size="20"'
        return format_html(
            '<td><input type="text" name="{}-{}-{}" id="{}" value="{}" aria-label="{}"{}></td>',
            name,
            r,
            c,
            ident,
            _cell(value),
            label,
            mark_safe(kind),  # noqa: S308 - a constant
        )

    def _readonly(self, rows: list[dict[str, Any]]) -> SafeString:
        shown = [self.table.row(v, n) if self.table.row else v for n, v in enumerate(rows, 1)]
        head = "".join(format_html('<th scope="col">{}</th>', c.label) for c in self.table.columns)
        body = "".join(
            "<tr>"
            + "".join(format_html("<td>{}</td>", _cell(row.get(c.key))) for c in self.table.columns)
            + "</tr>"
            for row in shown
        )
        if not body:
            body = format_html('<tr><td colspan="{}">None yet.</td></tr>', len(self.table.columns))
        return mark_safe(  # noqa: S308 - every value is escaped by format_html above
            f'<table class="rows-table rows-readonly"><caption class="visually-hidden">'
            f"{escape(self.label)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )


def _count(raw: Any) -> int:
    try:
        return max(0, int(str(raw)[:6]))
    except ValueError:
        return 0


class RowsField(forms.Field):
    """A list setting as rows (RowsWidget): a list of dicts, each cell typed by its column."""

    def __init__(self, *, table: Table, **kwargs: Any) -> None:
        self.table = table
        kwargs.setdefault("widget", RowsWidget(table, label=str(kwargs.get("label", ""))))
        if table.readonly:
            kwargs["disabled"] = True  # shown, never posted: it is read from the text
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[dict[str, Any]]:
        if self.table.readonly:
            return list(value) if isinstance(value, list) else []
        rows = [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []
        if len(rows) > MAX_ROWS:
            raise forms.ValidationError(f"At most {MAX_ROWS} rows.")
        return [self._record(n, row) for n, row in enumerate(rows, start=1)]

    def _record(self, number: int, row: dict[str, Any]) -> dict[str, Any]:
        columns = _columns(self.table, [row])
        record: dict[str, Any] = {}
        for column in columns:
            text = str(row.get(column.key, "")).strip()
            where = f"Row {number}, {column.label or column.key}"
            if len(text) > MAX_CELL_CHARS:
                raise forms.ValidationError(f"{where}: at most {MAX_CELL_CHARS} characters.")
            if not text:
                if column.required or self.table.keyed is not None:
                    raise forms.ValidationError(f"{where}: fill it in.")
                continue
            record[column.key] = _typed(text, column, where)
        return record

    def has_changed(self, initial: Any, data: Any) -> bool:
        return not self.table.readonly and super().has_changed(initial, data)


def _typed(text: str, column: Column, where: str) -> Any:
    if column.kind == "number":
        try:
            number = float(text.replace(",", ".") if text.count(",") == 1 else text)
        except ValueError:
            raise forms.ValidationError(f"{where}: {text[:40]!r} is not a number.") from None
        if not math.isfinite(number):
            raise forms.ValidationError(f"{where}: {text[:40]!r} is not a finite number.")
        return number
    if column.kind == "choice" and text not in column.choices:
        raise forms.ValidationError(f"{where}: choose one of {', '.join(column.choices)}.")
    return text
