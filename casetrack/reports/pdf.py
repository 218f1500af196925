"""The PDF report: bar charts written as SVG markup with real text, rendered by WeasyPrint with
a URL fetcher that can reach nothing but the application's own static files."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from markupsafe import escape
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from casetrack import vocab
from casetrack.reports.figures import SUPPRESSED, Count, OutcomeFigures
from casetrack.reports.release import Published, publish

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


# A tagged PDF (SPEC §15): PDF/UA-1, with a structure tree, the document's language and title.
TAGGED = {"pdf_variant": "pdf/ua-1"}


def render_pdf(
    html: str, static_folder: str | Path, tagged: bool = False
) -> tuple[bytes, LockedFetcher]:
    fetcher = LockedFetcher(static_folder)
    document = HTML(string=html, base_url=f"{STATIC_SCHEME}:/static/", url_fetcher=fetcher)
    return document.write_pdf(**(TAGGED if tagged else {})), fetcher


# ---- charts ---------------------------------------------------------------------------------
#
# Horizontal bar charts written as SVG markup: real <text> for labels and values (drawn in the
# PDF's own font, so they can be selected, searched and read aloud), a <title>
# carrying the same figures for assistive technology, and no external references. Layout is in
# points; text widths are estimated from Arial's metrics (Liberation Sans has the same widths).

BRAND = "#003a70"
TEXT = "#0b0c0c"
SECONDARY = "#484949"
FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"

CHART_WIDTH = 489.6  # points: 6.8 inches, the width of the text block less a little
FONT_SIZE = 9.0
TITLE_SIZE = 10.0
NOTE_SIZE = 8.0
ROW = 18.0  # height of a one-line row; a bar is BAR high in the middle of it
BAR = 12.0
LINE = 10.5  # line height of a label wrapped onto more lines
LABEL_MAX = 0.42 * CHART_WIDTH  # labels wider than this are wrapped
GAP = 6.0  # between a label and the axis
PAD = 3.0  # between a bar and its value

# Advance widths of ASCII 32–126 in Arial / Liberation Sans Regular, in thousandths of an em.
# fmt: off
_ARIAL = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)
# fmt: on
_WIDTHS = dict(zip(map(chr, range(32, 127)), _ARIAL, strict=True))


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The width of `text` in points; characters outside ASCII count as a digit (0.556 em)."""
    return sum(_WIDTHS.get(char, 556) for char in text) * size / 1000


def _greedy(words: list[str], width: float, size: float) -> list[str]:
    lines: list[str] = []
    for word in words:
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def wrap(text: str, width: float, size: float = FONT_SIZE) -> list[str]:
    """`text` in as few lines no wider than `width` as the words allow, of even lengths."""
    words = text.split()
    lines = _greedy(words, width, size)
    if len(lines) > 1:  # the narrowest width that needs no more lines: no short last line
        narrow = text_width(text, size) / len(lines)
        while narrow < width and len(_greedy(words, narrow, size)) > len(lines):
            narrow += size / 2
        lines = _greedy(words, min(narrow, width), size)
    return lines


def _n(value: float) -> str:
    """A coordinate: at most one decimal place, no trailing zeros."""
    return f"{value:.1f}".removesuffix(".0")


def bar_chart(key: str, labels: list[str], values: list[Count], title: str) -> str:
    """A horizontal bar chart as an inline SVG element, one bar per label, each with its value.

    A figure not published has no bar and reads '[c]', with a note under the chart. `key`
    makes the ids of the title and description unique in the document. The title element
    carries the figures too: WeasyPrint makes it the chart's alternative text in the PDF."""
    hidden = [v == SUPPRESSED for v in values]
    texts = ["[c]" if h else str(v) for v, h in zip(values, hidden, strict=True)]
    shown = [0 if h else int(v) for v, h in zip(values, hidden, strict=True)]
    rows = [wrap(label, LABEL_MAX) for label in labels]
    widest = max((text_width(line) for lines in rows for line in lines), default=0)
    label_width = min(widest, LABEL_MAX)  # a longer unbreakable word would run off the left
    axis = label_width + GAP
    value_width = max((text_width(text) for text in texts), default=0)
    room = CHART_WIDTH - axis - PAD - value_width - 1
    scale = room / max(max(shown, default=0), 1)

    top = TITLE_SIZE + 8
    parts: list[str] = []
    y = top
    for lines, value, text in zip(rows, shown, texts, strict=True):
        height = max(ROW, LINE * len(lines) + ROW - LINE)
        middle = y + height / 2
        first = middle - LINE * (len(lines) - 1) / 2 + FONT_SIZE * 0.35  # cap-height centring
        for number, line in enumerate(lines):
            parts.append(
                f'<text x="{_n(label_width)}" y="{_n(first + number * LINE)}" '
                f'text-anchor="end">{escape(line)}</text>'
            )
        length = value * scale
        if length > 0:
            parts.append(
                f'<rect x="{_n(axis)}" y="{_n(middle - BAR / 2)}" width="{_n(length)}" '
                f'height="{_n(BAR)}" fill="{BRAND}"/>'
            )
        parts.append(
            f'<text x="{_n(axis + length + PAD)}" y="{_n(middle + FONT_SIZE * 0.35)}">'
            f"{escape(text)}</text>"
        )
        y += height
    if labels:
        parts.append(
            f'<line x1="{_n(axis)}" y1="{_n(top - 2)}" x2="{_n(axis)}" y2="{_n(y + 2)}" '
            f'stroke="{TEXT}" stroke-width="0.75"/>'
        )
    height = y + 6
    if any(hidden):
        parts.append(
            f'<text x="0" y="{_n(height + NOTE_SIZE)}" font-size="{_n(NOTE_SIZE)}" '
            f'fill="{SECONDARY}">[c] not published: a number from 1 to 4, or one that would '
            "reveal one</text>"
        )
        height += NOTE_SIZE + 6

    described = "; ".join(
        f"{label}: {'not published' if h else v}"
        for label, v, h in zip(labels, values, hidden, strict=True)
    )
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="chart-{key}-title" '
        f'width="{_n(CHART_WIDTH)}pt" height="{_n(height)}pt" '
        f'viewBox="0 0 {_n(CHART_WIDTH)} {_n(height)}">'
        f'<title id="chart-{key}-title">{escape(title)}: {escape(described)}.</title>'
        f'<g font-family="{FONT}" font-size="{_n(FONT_SIZE)}" fill="{TEXT}">'
        f'<text x="0" y="{_n(TITLE_SIZE + 1)}" font-size="{_n(TITLE_SIZE)}" '
        f'font-weight="bold">{escape(title)}</text>' + "".join(parts) + "</g></svg>"
    )


def charts(figures: OutcomeFigures | Published, suppressed: bool) -> dict[str, str]:
    figures = publish(figures, suppressed)
    groups = figures.by_outcome_group
    result = {
        "outcome_groups": bar_chart(
            "outcome-groups",
            [vocab.OUTCOME_GROUPS[g].split(":")[0] for g in groups],
            list(groups.values()),
            "Finalised investigations by outcome group",
        ),
    }
    if len(figures.by_year) > 1:
        result["by_year"] = bar_chart(
            "by-year",
            list(figures.by_year),
            list(figures.by_year.values()),
            "Investigations by year received",
        )
    categories = dict(
        sorted(
            ((c, n) for c, n in figures.by_category.items() if n),
            key=lambda item: -1 if item[1] == SUPPRESSED else -item[1],
        )
    )
    if categories:
        result["by_category"] = bar_chart(
            "by-category",
            [vocab.CATEGORIES[c] for c in categories],
            list(categories.values()),
            "Investigations by policy breach category",
        )
    return result
