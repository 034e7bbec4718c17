"""The HTML report as a person sees it, in a real browser (headless Chromium, where installed:
`.ci/run` installs Debian's package when it can): at 1,400 px and at a laptop's 1,024 px no table
runs past the page (wide tables scroll inside their own box) and every figure loads."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from nasbench_suite.report.html import _cell

ROOT = Path(__file__).resolve().parents[1]
BROWSER = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
needs_browser = pytest.mark.skipif(BROWSER is None, reason="no Chromium here (apt-get install chromium to run it)")

#: Run in the page once it has loaded: the layout facts the checks need, left on <body>.
PROBE = r"""<script>
window.addEventListener('load', () => {
  const width = document.documentElement.clientWidth;
  const shown = t => t.closest('.table-box') || t;  // a table in a scrolling box shows as wide as the box
  const edges = [...document.querySelectorAll('table')].map(t => shown(t).getBoundingClientRect().right);
  const images = [...document.images].map(i => i.complete && i.naturalWidth > 0);
  const lines = cell => { const range = document.createRange(); range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; };
  const interval = /^[^A-Za-z]*\[[^\]]*\][^A-Za-z]*$/;  // a cell of numbers with an interval
  const numbers = [...document.querySelectorAll('td')].filter(c => interval.test(c.textContent));
  const wrapped = numbers.filter(cell => lines(cell) > 1).length;
  document.body.setAttribute('data-layout', JSON.stringify({width, page: document.documentElement.scrollWidth,
    tables: edges.length, past: edges.filter(right => right > width + 0.5).length,
    images: images.length, broken: images.filter(ok => !ok).length, intervals: numbers.length, wrapped}));
});
</script>"""


def layout(page: str, folder: Path, width: int) -> dict:
    """What a browser window ``width`` pixels wide makes of ``page``."""
    path = folder / f"page-{width}.html"
    path.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    command = [
        BROWSER,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={width},900",
    ]
    dom = subprocess.run(
        [*command, "--virtual-time-budget=10000", "--dump-dom", path.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    found = re.search(r'data-layout="([^"]*)"', dom)
    assert found, "the page did not finish loading"
    return json.loads(found.group(1).replace("&quot;", '"'))


@needs_browser
@pytest.mark.parametrize("width", [1400, 1024])
@pytest.mark.parametrize("study", ["five-methods", "hardware-aware"])
def test_a_committed_report_fits_the_window_and_every_figure_loads(tmp_path, width, study):
    page = (ROOT / "results" / study / "report.html").read_text(encoding="utf-8")
    seen = layout(page, tmp_path, width)
    assert seen["tables"] >= 10 and seen["images"] >= 10
    assert seen["past"] == 0 and seen["page"] <= seen["width"], seen
    assert seen["broken"] == 0, seen
    assert seen["intervals"] > 100 and seen["wrapped"] == 0, seen  # every interval on one line


@needs_browser
def test_the_layout_check_sees_a_table_that_runs_past_the_page(tmp_path):
    wide = "<table><tr>" + "<td>0.123&nbsp;[0.100,&nbsp;0.150]</td>" * 60 + "</tr></table>"
    narrow = "<table style='width: 4em'><tr><td>0.123 [0.100, 0.150]</td></tr></table>"
    page = f"<!DOCTYPE html><html><body>{wide}{narrow}<img src='missing.png'></body></html>"
    seen = layout(page, tmp_path, 1024)
    assert seen["past"] == 1 and seen["page"] > seen["width"] and seen["broken"] == 1 and seen["wrapped"] == 1


def test_cells_keep_intervals_on_one_line_and_long_labels_breakable():
    assert _cell("0.575 [0.496, 0.653]", first=False) == "<td>0.575&nbsp;[0.496,&nbsp;0.653]</td>"
    assert _cell("[0.496, 0.653]", first=False) == "<td>[0.496,&nbsp;0.653]</td>"
    assert _cell("0.315 ± 0.003", first=False) == "<td>0.315 ±&nbsp;0.003</td>"
    assert _cell("≤ 12.17 (1/2 hits)", first=False) == "<td>≤&nbsp;12.17 (1/2 hits)</td>"
    assert _cell("GCN (CPU scale)", first=False, specs={"GCN (CPU scale)": "gcn:epochs=100"}) == (
        "<td title='gcn:epochs=100'>GCN (CPU scale)</td>"
    )
    label = "nb101-oneshot:method='avg-3_ft_bn',sample=1,space=4"
    cell = _cell(label, first=True)
    assert cell.startswith(f"<td title='{label.replace(chr(39), '&#x27;')}'>") and cell.count("<wbr>") == 3
    assert _cell("GRAF + XGBoost", first=True) == "<td>GRAF + XGBoost</td>"
    claim = "GRAF features with a tree model predict accuracy better than the one-hot encoding does"
    assert _cell(claim, first=False).startswith("<td class='text'>")
    assert "class" not in _cell("27.15 [14.52, 209.35] (2/2 hits; smart subset, batches of 20)", first=False)
