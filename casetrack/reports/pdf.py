"""The PDF report: charts from matplotlib as SVG with real text, rendered by WeasyPrint with a
URL fetcher that can reach nothing but the application's own static files."""

from __future__ import annotations

import io
import mimetypes
import re
from pathlib import Path
from typing import Any

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from casetrack.reports.figures import SUPPRESS_BELOW, OutcomeFigures

STATIC_SCHEME = "casetrack"


class LockedFetcher(URLFetcher):
    """Serves `casetrack:/static/...` from the static folder and refuses everything else:
    no network, no `file:` paths, no redirects. Refusals are counted for the tests."""

    def __init__(self, static_folder: str | Path) -> None:
        super().__init__(allowed_protocols=(STATIC_SCHEME,), allow_redirects=False, timeout=1)
        self.static = Path(static_folder).resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        prefix = f"{STATIC_SCHEME}:/static/"
        if not url.startswith(prefix):
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url[:80]!r}")
        target = (self.static / url[len(prefix) :].split("?")[0]).resolve()
        if not target.is_relative_to(self.static) or not target.is_file():
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url[:80]!r}")
        media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=target.read_bytes(), headers={"Content-Type": media_type}
        )


def render_pdf(html: str, static_folder: str | Path) -> tuple[bytes, LockedFetcher]:
    fetcher = LockedFetcher(static_folder)
    document = HTML(string=html, base_url=f"{STATIC_SCHEME}:/static/", url_fetcher=fetcher)
    return document.write_pdf(), fetcher


# ---- charts ---------------------------------------------------------------------------------

BRAND = "#003a70"
GREY = "#b1b4b6"


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    text = buffer.getvalue()
    # Drop the XML header and DOCTYPE; keep the size in points so text stays at 9pt.
    text = re.sub(r"^.*?<svg", "<svg", text, count=1, flags=re.S)
    return text.replace("<svg ", '<svg class="chart" ', 1)


def _font_families() -> list[str]:
    """Arial if installed, else its metric twin Liberation Sans; matplotlib's own last."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    wanted = ["Arial", "Liberation Sans", "Helvetica"]
    return [name for name in wanted if name in installed] + ["DejaVu Sans"]


def _figure(width: float, height: float) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",  # real text in the SVG, rendered in the PDF's own font
            "font.family": _font_families(),
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return Figure(figsize=(width, height), layout="constrained")


def bar_chart(
    labels: list[str], values: list[int], title: str, suppressed: bool, horizontal: bool = True
) -> str:
    """A bar chart; in publication mode bars for 1–4 are drawn empty and labelled '*'."""
    figure = _figure(6.8, 0.3 * len(labels) + 0.6 if horizontal else 2.2)
    axes = figure.add_subplot()
    hidden = [suppressed and 0 < v < SUPPRESS_BELOW for v in values]
    shown = [0 if h else v for v, h in zip(values, hidden, strict=True)]
    positions = list(range(len(labels)))
    bars = (axes.barh if horizontal else axes.bar)(positions, shown, color=BRAND)
    texts = ["*" if h else str(v) for v, h in zip(values, hidden, strict=True)]
    axes.bar_label(bars, labels=texts, padding=3)
    if horizontal:
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        axes.xaxis.set_visible(False)
    else:
        axes.set_xticks(positions, labels, rotation=0)
        axes.yaxis.set_visible(False)
    axes.set_title(title, loc="left", fontsize=10, fontweight="bold")
    top = max(max(shown, default=0), 1) * 1.18  # room for the labels; sane when all are 0
    if horizontal:
        axes.set_xlim(0, top)
        axes.tick_params(axis="y", length=0)
        axes.spines["bottom"].set_visible(False)
    else:
        axes.set_ylim(0, top)
        axes.tick_params(axis="x", length=0)
        axes.spines["left"].set_visible(False)
    if any(hidden):
        figure.supxlabel("* a number from 1 to 4, not shown", fontsize=8, ha="left", x=0.01)
    return _svg(figure)


def charts(figures: OutcomeFigures, suppressed: bool) -> dict[str, str]:
    from casetrack import vocab

    groups = figures.by_outcome_group
    result = {
        "outcome_groups": bar_chart(
            [vocab.OUTCOME_GROUPS[g].split(":")[0] for g in groups],
            list(groups.values()),
            "Finalised investigations by outcome group",
            suppressed,
        ),
    }
    if len(figures.by_year) > 1:
        result["by_year"] = bar_chart(
            list(figures.by_year),
            list(figures.by_year.values()),
            "Investigations by year received",
            suppressed,
            horizontal=len(figures.by_year) > 8,
        )
    categories = dict(
        sorted(((c, n) for c, n in figures.by_category.items() if n), key=lambda item: -item[1])
    )
    if categories:
        result["by_category"] = bar_chart(
            [vocab.CATEGORIES[c] for c in categories],
            list(categories.values()),
            "Investigations by policy breach category",
            suppressed,
        )
    return result
