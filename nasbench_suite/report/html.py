"""A report as one self-contained HTML page: every section's table, the figures embedded as PNG
data beside the table they illustrate, and nothing fetched from anywhere. Every string that reaches
the page — labels, plugin-supplied names and messages, notes — is escaped.

Made to be read at 1,400 px and on a laptop screen: a list of contents, each table in a box of its
own that scrolls sideways with its first column fixed, intervals and signs kept with their numbers,
long labels broken after their options (the whole label on hover), a study's display labels with the
spec they stand for on hover, room for the columns of sentences."""

from __future__ import annotations

import base64
import html
import re
import tempfile
from typing import TYPE_CHECKING, Any

import pandas as pd

from nasbench_suite.report.figures import Figure, plot_all
from nasbench_suite.report.tables import Show, same

if TYPE_CHECKING:
    from nasbench_suite.report.render import Section

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1400px;
       color: #1d1d1f; line-height: 1.45; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
nav ol { columns: 2; font-size: 0.9em; } nav a { color: #0b57d0; text-decoration: none; }
.table-box { max-width: 100%; overflow-x: auto; margin: 0.5em 0 1em; border: 1px solid #eee; }
table { border-collapse: separate; border-spacing: 0; font-size: 0.85em; }
th, td { border-right: 1px solid #ddd; border-bottom: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left;
         vertical-align: top; background: #fff; }
th { background: #f5f5f7; } tr:nth-child(even) td { background: #fafafa; }
td.text { min-width: 22em; }
th:first-child, td:first-child { position: sticky; left: 0; z-index: 1; max-width: 24em; min-width: 8em;
                                 box-shadow: 1px 0 0 #ccc; }
th:first-child { z-index: 2; }
td.holds { color: #0a7a2f; font-weight: 600; } td.contradicted { color: #b3261e; font-weight: 600; }
td.not-comparable, td.too-few-seeds { color: #777; }
.figures { display: flex; flex-wrap: wrap; gap: 0.5em; }
figure { margin: 0; max-width: 680px; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption, p.note { color: #555; font-size: 0.9em; }
"""

#: An interval (``[0.496, 0.653]``), with the value before it: kept on one line.
_INTERVAL = re.compile(r"(?:(\S+) )?\[([^\]]*)\]")
#: A sign or symbol that belongs to the number after it (``± 0.003``, ``≤ 12.17``, ``Δ -0.037``).
_ATTACHED = re.compile(r"(^| )([±≤≥Δ×]) ")
_OPTION_END = re.compile(r"([:,])")
#: Longer first-column labels break after their options; longer sentences get room to wrap.
LONG_LABEL = 28
LONG_TEXT = 60


def _one_line(match: re.Match) -> str:
    before = f"{match.group(1)}&nbsp;" if match.group(1) else ""
    return before + "[" + match.group(2).replace(" ", "&nbsp;") + "]"


def _cell(value: object, first: bool, specs: dict[str, str] | None = None, css: str = "") -> str:
    """One cell's HTML: escaped; intervals and signs kept with their numbers; a long first-column
    label breakable after each option; a display label with the spec it stands for on hover."""
    text = str(value)
    shown = _ATTACHED.sub(lambda m: f"{m.group(1)}{m.group(2)}&nbsp;", _INTERVAL.sub(_one_line, html.escape(text)))
    tip = (specs or {}).get(text) or (text if first and len(text) > LONG_LABEL else "")
    attributes = f" title='{html.escape(tip, quote=True)}'" if tip else ""
    if first and len(text) > LONG_LABEL:
        shown = _OPTION_END.sub(r"\1<wbr>", shown)
    elif not first and len(text) > LONG_TEXT and sum(c.isalpha() for c in text) > 0.6 * len(text):
        attributes += " class='text'"  # a sentence (a claim, a note), not numbers with a remark
    if css:  # a verdict's own class (holds, contradicted, ...)
        attributes = f' class="{html.escape(css)}"' + attributes
    return f"<td{attributes}>{shown}</td>"


def _table(frame: pd.DataFrame, specs: dict[str, str] | None = None) -> str:
    head = "".join(f"<th>{html.escape(str(column))}</th>" for column in frame.columns)
    rows = []
    for record in frame.to_dict("records"):
        cells = []
        for position, (column, value) in enumerate(record.items()):
            css = str(value).replace(" ", "-") if column == "verdict" else ""
            cells.append(_cell(value, position == 0, specs, css))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<div class='table-box'><table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"


def _figures(records: list[dict[str, Any]], show: Show) -> list[tuple[Figure, str]]:
    """Every figure the records support, with its PNG as a data URI."""
    with tempfile.TemporaryDirectory() as folder:
        return [
            (figure, "data:image/png;base64," + base64.b64encode(figure.paths[0].read_bytes()).decode())
            for figure in plot_all(records, folder, show)
        ]


def _figure_row(figures: list[tuple[Figure, str]]) -> str:
    items = []
    for figure, uri in figures:
        text = html.escape(figure.caption, quote=True)
        items.append(f"<figure><img alt='{text}' src='{uri}'><figcaption>{text}</figcaption></figure>")
    return f"<div class='figures'>{''.join(items)}</div>"


def html_page(
    parts: list[Section],
    records: list[dict[str, Any]],
    title: str,
    notes: tuple[str, ...] = (),
    show: Show = same,
    specs: dict[str, str] | None = None,
) -> str:
    """The whole page: title, notes, contents, then each section with its figures after its table
    (``specs``: each display label and the spec it stands for, shown on hover)."""
    figures = _figures(records, show) if records else []
    placed = {part.topic for part in parts if part.topic}
    body = [f"<h1>{html.escape(title)}</h1>"]
    body += [f"<p class='note'>{html.escape(note)}</p>" for note in notes]
    anchors = [f"section-{number}" for number in range(len(parts))]
    contents = [
        f"<li><a href='#{anchor}'>{html.escape(part.title)}</a></li>"
        for anchor, part in zip(anchors, parts)
        if part.title
    ]
    unplaced = [(figure, uri) for figure, uri in figures if figure.topic not in placed]
    if unplaced:
        contents.append("<li><a href='#figures'>Figures</a></li>")
    if len(contents) > 1:
        body.append(f"<nav><h2>Contents</h2><ol>{''.join(contents)}</ol></nav>")
    for anchor, part in zip(anchors, parts):
        if part.title:
            body.append(f"<h2 id='{anchor}'>{html.escape(part.title)}</h2>")
        if part.table is not None:
            body.append(_table(part.table, specs))
        if part.text:
            text = html.escape(part.text).replace("\n- ", "<br>- ").replace("\n", " ")
            body.append(f"<p class='note'>{text}</p>")
        own = [(figure, uri) for figure, uri in figures if part.topic and figure.topic == part.topic]
        if own:
            body.append(_figure_row(own))
    if unplaced:
        body.append("<h2 id='figures'>Figures</h2>")
        body.append(_figure_row(unplaced))
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
