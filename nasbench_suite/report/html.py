"""A report as one self-contained HTML page: every section's table, the figures embedded as PNG
data, and nothing fetched from anywhere. Every string that reaches the page — labels, plugin-supplied
names and messages, notes — is escaped."""

from __future__ import annotations

import base64
import html
import tempfile
from typing import TYPE_CHECKING, Any

import pandas as pd

from nasbench_suite.report.figures import plot_all
from nasbench_suite.report.tables import Show, same

if TYPE_CHECKING:
    from nasbench_suite.report.render import Section

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1400px;
       color: #1d1d1f; line-height: 1.45; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #f5f5f7; } tr:nth-child(even) td { background: #fafafa; }
td.holds { color: #0a7a2f; font-weight: 600; } td.contradicted { color: #b3261e; font-weight: 600; }
td.not-comparable, td.too-few-seeds { color: #777; }
figure { display: inline-block; margin: 0.5em; } figure img { max-width: 640px; border: 1px solid #eee; }
p.note { color: #555; font-size: 0.9em; }
"""


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(column))}</th>" for column in frame.columns)
    rows = []
    for record in frame.to_dict("records"):
        cells = []
        for column, value in record.items():
            css = f' class="{html.escape(str(value).replace(" ", "-"))}"' if column == "verdict" else ""
            cells.append(f"<td{css}>{html.escape(str(value))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _figures(records: list[dict[str, Any]], show: Show) -> list[tuple[str, str]]:
    """``(caption, data URI)`` of every figure the records support."""
    with tempfile.TemporaryDirectory() as folder:
        return [
            (figure.caption, "data:image/png;base64," + base64.b64encode(figure.paths[0].read_bytes()).decode())
            for figure in plot_all(records, folder, show)
        ]


def html_page(
    parts: list[Section], records: list[dict[str, Any]], title: str, notes: tuple[str, ...] = (), show: Show = same
) -> str:
    """The whole page."""
    body = [f"<h1>{html.escape(title)}</h1>"]
    body += [f"<p class='note'>{html.escape(note)}</p>" for note in notes]
    for part in parts:
        if part.title:
            body.append(f"<h2>{html.escape(part.title)}</h2>")
        if part.table is not None:
            body.append(_table(part.table))
        if part.text:
            text = html.escape(part.text).replace("\n- ", "<br>- ").replace("\n", " ")
            body.append(f"<p class='note'>{text}</p>")
    figures = _figures(records, show) if records else []
    if figures:
        body.append("<h2>Figures</h2>")
        for caption, uri in figures:
            text = html.escape(caption, quote=True)
            body.append(f"<figure><img alt='{text}' src='{uri}'><figcaption>{text}</figcaption></figure>")
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
