"""The report's charts as inline SVG: small, dependency-free, with text left as text (searchable in the PDF).

Each function returns one ``<svg>`` element sized to the report's column (``width="100%"``) with a
``viewBox`` in points, drawn in the report's palette. A chart with nothing to show says so inside its frame
instead of failing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any, Final

__all__ = [
    "LEVEL_COLOURS",
    "PARTY_COLOURS",
    "STATE_COLOURS",
    "bars_by_quarter",
    "bullet",
    "dumbbell",
    "gantt",
    "heatmap",
    "incident_map",
    "index_line",
    "stacked_levels",
    "timeliness",
    "trade_path",
]

FONT: Final = "Noto Sans, DejaVu Sans, sans-serif"
INK: Final = "#1f2933"
MUTED: Final = "#616e7c"
GRID: Final = "#d9dee4"
LEVEL_COLOURS: Final = {0: "#dce6f0", 1: "#9ecae1", 2: "#4292c6", 3: "#08519c"}
NOT_ASSESSED: Final = "#ffffff"
PARTY_COLOURS: Final = {"PK": "#0f766e", "IR": "#c2410c", "JOINT": "#4c1d95"}
STATE_COLOURS: Final = {
    "agreed": "#2f855a",
    "divergent": "#d69e2e",
    "disputed": "#c53030",
    "single-party": "#718096",
    "not-assessed": "#cbd2d9",
}
PROVINCE_COLOURS: Final = ("#0f766e", "#c2410c", "#4c1d95", "#b7791f", "#2b6cb0", "#9b2c2c", "#718096")


def _party_colour(party: str, parties: Sequence[str]) -> str:
    if party in PARTY_COLOURS:
        return PARTY_COLOURS[party]
    return PROVINCE_COLOURS[list(parties).index(party) % len(PROVINCE_COLOURS)] if party in parties else MUTED


class _Svg:
    """A tiny SVG writer: coordinates in points, text escaped."""

    def __init__(self, width: float, height: float, label: str) -> None:
        self.w, self.h = width, height
        self.parts: list[str] = []
        self.label = label

    def rect(self, x: float, y: float, w: float, h: float, fill: str, stroke: str = "none", **kw: Any) -> None:
        extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in kw.items())
        self.parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
            f'fill="{fill}" stroke="{stroke}"{extra}/>'
        )

    def line(
        self, x1: float, y1: float, x2: float, y2: float, stroke: str = GRID, width: float = 0.6, **kw: Any
    ) -> None:
        extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in kw.items())
        self.parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" '
            f'stroke-width="{width}"{extra}/>'
        )

    def circle(self, x: float, y: float, r: float, fill: str, stroke: str = "none", width: float = 0.8) -> None:
        self.parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>'
        )

    def path(self, d: str, stroke: str, width: float = 1.0, fill: str = "none", **kw: Any) -> None:
        extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in kw.items())
        self.parts.append(f'<path d="{d}" stroke="{stroke}" stroke-width="{width}" fill="{fill}"{extra}/>')

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float = 7.5,
        anchor: str = "start",
        fill: str = INK,
        weight: str = "normal",
    ) -> None:
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
            f'font-weight="{weight}">{escape(text)}</text>'
        )

    def empty(self, message: str) -> str:
        self.rect(0.5, 0.5, self.w - 1, self.h - 1, "#fafbfc", GRID)
        self.text(self.w / 2, self.h / 2 + 3, message, 8, "middle", MUTED)
        return self.done()

    def done(self) -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.w:.0f} {self.h:.0f}" width="100%" '
            f'role="img" aria-label="{escape(self.label)}" font-family="{FONT}">' + "".join(self.parts) + "</svg>"
        )


def _nice_max(value: float) -> tuple[float, float]:
    """A round axis maximum at or above ``value`` and its tick step (1, 2 or 5 × 10ⁿ; four or five ticks)."""
    if value <= 0:
        return 1.0, 0.25
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(value / step), step


def _legend(svg: _Svg, x: float, y: float, items: Sequence[tuple[str, str]], *, square: bool = True) -> None:
    for label, colour in items:
        if square:
            svg.rect(x, y - 6, 7, 7, colour, "#9aa5b1" if colour == NOT_ASSESSED else "none", stroke_width=0.5)
        else:
            svg.circle(x + 3.5, y - 2.5, 3.2, colour)
        svg.text(x + 10, y, label, 7, fill=MUTED)
        x += 14 + 4.4 * len(label)


# -- implementation levels ---------------------------------------------------------------------------------
def stacked_levels(rows: Sequence[tuple[str, dict[int, int], int]], level_names: dict[int, str]) -> str:
    """100 % stacked bars of levels per focus area: rows of (label, {level: count}, not assessed)."""
    label_w, bar_w, row_h = 150.0, 430.0, 17.0
    svg = _Svg(label_w + bar_w + 40, 34 + row_h * len(rows), "Implementation levels by focus area")
    if not rows:
        return svg.empty("no commitments")
    for i, (label, dist, missing) in enumerate(rows):
        y = 8 + i * row_h
        total = sum(dist.values()) + missing
        svg.text(label_w - 6, y + 10, label, 7.5, "end")
        x = label_w
        for level in range(4):
            n = dist.get(level, 0)
            if not n:
                continue
            w = bar_w * n / total
            svg.rect(x, y, w, 12, LEVEL_COLOURS[level], "#ffffff", stroke_width=0.6)
            if w > 12:
                svg.text(x + w / 2, y + 8.8, str(n), 7, "middle", "#ffffff" if level >= 2 else INK)
            x += w
        if missing:
            w = bar_w * missing / total
            svg.rect(x, y, w, 12, NOT_ASSESSED, "#9aa5b1", stroke_width=0.5, stroke_dasharray="2 1.5")
            if w > 12:
                svg.text(x + w / 2, y + 8.8, str(missing), 7, "middle", MUTED)
        svg.text(label_w + bar_w + 6, y + 9.5, f"n={total}", 7, fill=MUTED)
    _legend(
        svg,
        label_w,
        20 + row_h * len(rows),
        [*((f"{lvl} {name}", LEVEL_COLOURS[lvl]) for lvl, name in level_names.items()), ("not assessed", NOT_ASSESSED)],
    )
    return svg.done()


def index_line(quarters: Sequence[str], series: Mapping[str, Sequence[float | None]], colours: dict[str, str]) -> str:
    """The implementation index (0–100 %) over quarters, one line per series."""
    left, top, w, h = 34.0, 10.0, 520.0, 110.0
    svg = _Svg(left + w + 110, top + h + 26, "Implementation index over quarters")
    if not quarters or all(v is None for s in series.values() for v in s):
        return svg.empty("no assessments yet: no index to show")
    for pct in (0, 25, 50, 75, 100):
        y = top + h - h * pct / 100
        svg.line(left, y, left + w, y)
        svg.text(left - 4, y + 2.5, f"{pct}%", 6.8, "end", MUTED)
    step = w / max(len(quarters) - 1, 1)
    for i, q in enumerate(quarters):
        svg.text(left + i * step, top + h + 11, q, 6.8, "middle", MUTED)
    for k, (name, values) in enumerate(series.items()):
        pts = [(left + i * step, top + h - h * v) for i, v in enumerate(values) if v is not None]
        colour = colours.get(name, MUTED)
        if len(pts) > 1:
            svg.path(
                "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts),
                colour,
                1.6 if k == 0 else 1.1,
                **({} if k == 0 else {"stroke_dasharray": "3 2"}),
            )
        for x, y in pts:
            svg.circle(x, y, 2.4 if k == 0 else 1.8, colour, "#ffffff", 0.6)
        last = values[-1] if values else None
        shown = "–" if last is None else f"{100 * last:.0f}%"
        svg.text(left + w + 12, top + 12 + 12 * k, f"{name}: {shown}", 7.5, fill=colour, weight="bold")
    return svg.done()


def dumbbell(rows: Sequence[dict[str, Any]], parties: Sequence[str]) -> str:
    """Each commitment's level by the two parties on one 0–3 axis, joined; disagreements highlighted.

    ``rows``: ``{"code", "title", "levels": {party: level|None}, "joint": level|None, "state"}``. A row is
    shaded wherever the parties' levels differ, also when the joint committee's reconciled rating (drawn as a
    ring) made the state *agreed*: the reader still sees that the parties themselves disagree.
    """
    label_w, axis_w, row_h, top = 210.0, 300.0, 15.0, 30.0
    svg = _Svg(label_w + axis_w + 130, top + row_h * len(rows) + 22, "Pakistan and Iran ratings per commitment")
    if not rows:
        return svg.empty("no commitments")
    x_of = {lvl: label_w + 14 + (axis_w - 28) * lvl / 3 for lvl in range(4)}
    for lvl, x in x_of.items():
        svg.line(x, top - 4, x, top + row_h * len(rows), GRID, 0.6)
        svg.text(x, top - 8, f"{lvl}", 7, "middle", MUTED)
    svg.text(
        label_w + axis_w / 2,
        9,
        "implementation level (0 not initiated · 1 minimal · 2 intermediate · 3 full)",
        6.8,
        "middle",
        MUTED,
    )
    for i, r in enumerate(rows):
        y = top + 6 + i * row_h
        state = r["state"]
        present = [(p, lvl) for p in parties if (lvl := r["levels"].get(p)) is not None]
        apart = len(present) == 2 and present[0][1] != present[1][1]
        if state in ("divergent", "disputed") or apart:
            svg.rect(0, y - 7, label_w + axis_w + 128, row_h - 1, "#fff5f5" if state == "disputed" else "#fffbeb")
        title = r["title"] if len(r["title"]) <= 34 else r["title"][:33] + "…"
        svg.text(4, y + 2.5, r["code"], 7.2, weight="bold")
        svg.text(30, y + 2.5, title, 7.2)
        if len(present) == 2:
            svg.line(x_of[present[0][1]], y, x_of[present[1][1]], y, "#9aa5b1", 2.2)
        for j, (p, lvl) in enumerate(present):
            same = len(present) == 2 and present[0][1] == present[1][1]
            dy = (-2.2 if j == 0 else 2.2) if same else 0
            svg.circle(x_of[lvl], y + dy, 3.6, _party_colour(p, parties), "#ffffff", 0.8)
        if r.get("joint") is not None:
            svg.circle(x_of[r["joint"]], y, 5.6, "none", PARTY_COLOURS["JOINT"], 1.3)
        svg.text(label_w + axis_w + 6, y + 2.5, state, 7, fill=STATE_COLOURS.get(state, MUTED), weight="bold")
    legend_y = top + row_h * len(rows) + 14
    _legend(svg, label_w + 14, legend_y, [(p, _party_colour(p, parties)) for p in parties], square=False)
    if any(r.get("joint") is not None for r in rows):
        x = label_w + 14 + sum(14 + 4.4 * len(p) for p in parties)
        svg.circle(x + 3.5, legend_y - 2.5, 3.6, "none", PARTY_COLOURS["JOINT"], 1.3)
        svg.text(x + 10, legend_y, "joint committee", 7, fill=MUTED)
    return svg.done()


def heatmap(codes: Sequence[str], quarters: Sequence[str], cells: dict[tuple[str, str], tuple[int | None, str]]) -> str:
    """Commitments × quarters, each cell coloured by the reconciled level; a mark shows the state."""
    label_w, cell_w, cell_h, top = 40.0, 44.0, 13.0, 16.0
    cell_w = min(cell_w, 440 / max(len(quarters), 1))
    svg = _Svg(640, top + cell_h * len(codes) + 8, "Commitments by quarter: reconciled implementation level")
    if not codes or not quarters:
        return svg.empty("no quarters to show")
    for j, q in enumerate(quarters):
        svg.text(label_w + j * cell_w + cell_w / 2, top - 5, q, 6.8, "middle", MUTED)
    marks = {"divergent": "≠", "disputed": "!", "single-party": "½"}
    for i, code in enumerate(codes):
        y = top + i * cell_h
        svg.text(label_w - 5, y + 9, code, 7, "end")
        for j, q in enumerate(quarters):
            level, state = cells.get((code, q), (None, "not-assessed"))
            x = label_w + j * cell_w
            fill = NOT_ASSESSED if level is None else LEVEL_COLOURS[level]
            svg.rect(
                x + 0.5, y + 0.5, cell_w - 1, cell_h - 1, fill, GRID if level is None else "none", stroke_width=0.5
            )
            text = ("–" if level is None else str(level)) + (" " + marks[state] if state in marks else "")
            svg.text(x + cell_w / 2, y + 9, text, 6.8, "middle", "#ffffff" if (level or 0) >= 2 else INK)
    lx = label_w + cell_w * len(quarters) + 12
    for k, (label, colour) in enumerate([*((f"{lvl}", c) for lvl, c in LEVEL_COLOURS.items()), ("–", NOT_ASSESSED)]):
        svg.rect(lx, top + k * 11, 8, 8, colour, "#9aa5b1" if colour == NOT_ASSESSED else "none", stroke_width=0.5)
        svg.text(
            lx + 12,
            top + k * 11 + 7,
            {"0": "0 not initiated", "1": "1 minimal", "2": "2 intermediate", "3": "3 full", "–": "not assessed"}[
                label
            ],
            6.8,
            fill=MUTED,
        )
    for k, (mark, label) in enumerate([("≠", "divergent"), ("!", "disputed"), ("½", "single party")]):
        svg.text(lx, top + 62 + k * 11, f"{mark}  {label}", 6.8, fill=MUTED)
    return svg.done()


# -- milestones --------------------------------------------------------------------------------------------
def _day_x(day: date, start: date, end: date, x0: float, width: float) -> float:
    span = max((end - start).days, 1)
    return x0 + width * min(max((day - start).days, 0), span) / span


def gantt(rows: Sequence[dict[str, Any]], start: date, end: date, today: date) -> str:
    """Milestones, planned against actual: a hollow diamond at the planned date, an arrow to a revised date,
    a filled mark where it was met; ``rows``: ``{"code", "title", "planned", "revised", "met", "status"}``."""
    label_w, width, row_h, top = 230.0, 340.0, 14.0, 22.0
    svg = _Svg(label_w + width + 70, top + row_h * len(rows) + 26, "Milestones: planned against actual")
    if not rows:
        return svg.empty("no milestones")
    q = date(start.year, ((start.month - 1) // 3) * 3 + 1, 1)
    if q < start:
        q = date(q.year + (q.month + 3 > 12), (q.month + 3 - 1) % 12 + 1, 1)
    while q <= end:
        x = _day_x(q, start, end, label_w, width)
        svg.line(x, top - 6, x, top + row_h * len(rows), GRID, 0.5)
        svg.text(x + 2, top - 9, f"Q{(q.month - 1) // 3 + 1} {q.year}", 6.5, fill=MUTED)
        q = date(q.year + (q.month + 3 > 12), (q.month + 3 - 1) % 12 + 1, 1)
    tx = _day_x(today, start, end, label_w, width)
    svg.line(tx, top - 4, tx, top + row_h * len(rows), "#c53030", 0.8, stroke_dasharray="2 2")
    svg.text(tx, top + row_h * len(rows) + 9, "end of quarter", 6.3, "middle", "#c53030")
    colours = {"met": "#2f855a", "partiallyMet": "#d69e2e", "notMet": "#c53030", "scheduled": "#2b6cb0"}
    for i, r in enumerate(rows):
        y = top + 5 + i * row_h
        title = r["title"] if len(r["title"]) <= 42 else r["title"][:41] + "…"
        svg.text(4, y + 2.5, r["code"], 7, weight="bold")
        svg.text(44, y + 2.5, title, 7)
        colour = colours.get(r["status"], MUTED)
        svg.text(
            label_w + width + 6,
            y + 2.5,
            {"partiallyMet": "partly met", "notMet": "not met"}.get(r["status"], r["status"]),
            6.8,
            fill=colour,
        )
        planned = r.get("planned")
        if planned is None:
            svg.text(label_w + 4, y + 2.5, "no date in the text", 6.8, fill=MUTED)
            if r.get("met"):
                mx = _day_x(r["met"], start, end, label_w, width)
                svg.circle(mx, y, 3.4, colour)
            continue
        px = _day_x(planned, start, end, label_w, width)
        svg.path(
            f"M{px:.1f},{y - 4:.1f} L{px + 4:.1f},{y:.1f} L{px:.1f},{y + 4:.1f} L{px - 4:.1f},{y:.1f} Z",
            colour,
            1.0,
            "#ffffff",
        )
        if r.get("revised"):
            rx = _day_x(r["revised"], start, end, label_w, width)
            svg.line(px + 4, y, rx - 4, y, colour, 0.9, stroke_dasharray="2 1.5")
            svg.path(
                f"M{rx:.1f},{y - 4:.1f} L{rx + 4:.1f},{y:.1f} L{rx:.1f},{y + 4:.1f} L{rx - 4:.1f},{y:.1f} Z",
                colour,
                1.0,
                "#ffffff",
            )
        if r.get("met"):
            mx = _day_x(r["met"], start, end, label_w, width)
            svg.circle(mx, y, 3.4, colour)
    ly = top + row_h * len(rows) + 20
    svg.path(f"M{label_w:.1f},{ly - 6:.1f} l3.5,3.5 l-3.5,3.5 l-3.5,-3.5 Z", MUTED, 0.9, "#ffffff")
    svg.text(label_w + 7, ly, "planned (or revised) date", 6.8, fill=MUTED)
    svg.circle(label_w + 115, ly - 2.5, 3, MUTED)
    svg.text(label_w + 122, ly, "date met", 6.8, fill=MUTED)
    return svg.done()


# -- indicators --------------------------------------------------------------------------------------------
@dataclass
class BulletRow:
    code: str
    title: str
    unit: str
    baseline: float | None
    target: float | None
    actuals: dict[str, float | None]
    status: str


def bullet(rows: Sequence[BulletRow], parties: Sequence[str]) -> str:
    """Bullet charts: a grey band to the target, a tick at the baseline, one bar per party's actual."""
    label_w, width, row_h, top = 220.0, 300.0, 24.0, 8.0
    svg = _Svg(label_w + width + 120, top + row_h * len(rows) + 18, "Indicators against their targets")
    if not rows:
        return svg.empty("no indicators with a target")
    for i, r in enumerate(rows):
        y = top + i * row_h
        values = [v for v in (r.baseline, r.target, *r.actuals.values()) if v is not None]
        top_value = max([*values, 1.0]) * 1.1

        def x_of(v: float, top_value: float = top_value) -> float:
            return label_w + width * max(v, 0) / top_value

        title = r.title if len(r.title) <= 40 else r.title[:39] + "…"
        svg.text(4, y + 8, r.code, 7, weight="bold")
        svg.text(44, y + 8, title, 7)
        svg.text(44, y + 16.5, r.unit, 6.3, fill=MUTED)
        svg.rect(label_w, y + 1, width, 16, "#eef1f4")
        if r.target is not None:
            svg.rect(label_w, y + 1, x_of(r.target) - label_w, 16, "#d9dee4")
            svg.line(x_of(r.target), y - 1, x_of(r.target), y + 19, INK, 1.6)
        if r.baseline is not None:
            svg.line(x_of(r.baseline), y + 3, x_of(r.baseline), y + 15, MUTED, 1.0, stroke_dasharray="1.5 1")
        for j, p in enumerate(parties):
            v = r.actuals.get(p)
            if v is None:
                continue
            svg.rect(label_w, y + 4 + j * 5.5, x_of(v) - label_w, 4.2, _party_colour(p, parties))
        svg.text(label_w + width + 6, y + 11, r.status, 6.8, fill=MUTED)
    ly = top + row_h * len(rows) + 10
    x = label_w
    for p in parties:
        svg.rect(x, ly - 5, 10, 4.2, _party_colour(p, parties))
        svg.text(x + 13, ly, f"{p} actual", 6.8, fill=MUTED)
        x += 60
    svg.line(x, ly - 7, x, ly + 1, INK, 1.6)
    svg.text(x + 4, ly, "target", 6.8, fill=MUTED)
    svg.line(x + 40, ly - 7, x + 40, ly + 1, MUTED, 1.0, stroke_dasharray="1.5 1")
    svg.text(x + 44, ly, "baseline", 6.8, fill=MUTED)
    return svg.done()


def trade_path(
    quarters: Sequence[str],
    actuals: Mapping[str, Sequence[float | None]],
    colours: dict[str, str],
    target: float,
    path: Sequence[float | None] | None,
    baseline: tuple[str, float] | None,
    note: str,
) -> str:
    """Trade (USD bn a year) per quarter against the USD 5 bn target and, when a target year is set, the
    straight path to it; ``path`` is the value the path needs in each quarter (None: no target year).
    ``baseline`` is the bilateral trade's (date, value), labelled as such: the zone's own path starts from the
    zone's baseline, and an unnamed 2.5 beside it read as the zone's."""
    left, top, w, h = 40.0, 14.0, 470.0, 120.0
    svg = _Svg(left + w + 150, top + h + 34, "Trade against the path to the USD 5 bn target")
    if not quarters:
        return svg.empty("no quarters")
    values = [v for s in actuals.values() for v in s if v is not None] + [target] + [v for v in path or [] if v]
    if baseline:
        values.append(baseline[1])
    y_max = max(values) * 1.15

    def y_of(v: float) -> float:
        return top + h - h * v / y_max

    step = w / max(len(quarters) - 1, 1)
    for tick in range(int(y_max) + 1):
        svg.line(left, y_of(tick), left + w, y_of(tick))
        svg.text(left - 4, y_of(tick) + 2.5, f"{tick}", 6.8, "end", MUTED)
    svg.text(4, top - 4, "USD bn a year", 6.8, fill=MUTED)
    for i, q in enumerate(quarters):
        svg.text(left + i * step, top + h + 11, q, 6.5, "middle", MUTED)
    svg.line(left, y_of(target), left + w, y_of(target), "#4c1d95", 1.2, stroke_dasharray="5 3")
    svg.text(left + w + 6, y_of(target) + 2.5, f"target USD {target:g} bn", 7, fill="#4c1d95", weight="bold")
    if path:
        pts = [(left + i * step, y_of(v)) for i, v in enumerate(path) if v is not None]
        if len(pts) > 1:
            svg.path("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts), "#9f7aea", 1.0, stroke_dasharray="2 2")
            svg.text(pts[-1][0] + 6, pts[-1][1] + 12, "path to target", 6.8, fill="#9f7aea")
    if baseline:
        svg.line(left, y_of(baseline[1]), left + 30, y_of(baseline[1]), MUTED, 1.0)
        svg.text(
            left + 2,
            y_of(baseline[1]) + 9,
            f"bilateral trade baseline {baseline[1]:g} ({baseline[0]})",
            6.5,
            fill=MUTED,
        )
    k = 0
    for name, series in actuals.items():
        pts = [(left + i * step, y_of(v)) for i, v in enumerate(series) if v is not None]
        colour = colours.get(name, MUTED)
        if len(pts) > 1:
            svg.path("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts), colour, 1.5)
        for x, y in pts:
            svg.circle(x, y, 2.3, colour, "#ffffff", 0.6)
        svg.text(left + w + 6, top + 30 + 11 * k, name, 7, fill=colour, weight="bold")
        k += 1
    svg.text(left, top + h + 26, note, 6.5, fill=MUTED)
    return svg.done()


# -- security context --------------------------------------------------------------------------------------
def bars_by_quarter(quarters: Sequence[str], groups: Mapping[str, Sequence[int]], killed: Sequence[int]) -> str:
    """Incidents per quarter stacked by province, with the number killed (best estimate) as a line."""
    left, top, w, h = 34.0, 12.0, 440.0, 110.0
    svg = _Svg(left + w + 200, top + h + 28, "Incidents and killed per quarter by province")
    totals = [sum(g[i] for g in groups.values()) for i in range(len(quarters))]
    if not quarters or not any(totals):
        return svg.empty("no incidents recorded in these quarters")
    y_max, y_step = _nice_max(max(totals))
    ticks = round(y_max / y_step)
    k_raw = max([*killed, 1]) / ticks
    k_mag = 10 ** math.floor(math.log10(k_raw))
    k_max = ticks * next(m * k_mag for m in (1, 2, 2.5, 5, 10) if m * k_mag >= k_raw)
    band = w / len(quarters)
    for t in range(ticks + 1):
        frac = t / ticks
        y = top + h - h * frac
        svg.line(left, y, left + w, y)
        svg.text(left - 4, y + 2.5, f"{y_max * frac:g}", 6.5, "end", MUTED)
        svg.text(left + w + 4, y + 2.5, f"{k_max * frac:g}", 6.5, fill="#9b2c2c")
    svg.text(4, top - 3, "incidents", 6.8, fill=MUTED)
    svg.text(left + w + 4, top - 3, "killed", 6.8, fill="#9b2c2c")
    names = list(groups)
    for i, q in enumerate(quarters):
        x = left + i * band + band * 0.2
        y = top + h
        for k, name in enumerate(names):
            n = groups[name][i]
            if n:
                bh = h * n / y_max
                y -= bh
                svg.rect(x, y, band * 0.6, bh, PROVINCE_COLOURS[k % len(PROVINCE_COLOURS)], "#ffffff", stroke_width=0.5)
        svg.text(left + i * band + band / 2, top + h + 11, q, 6.5, "middle", MUTED)
    pts = [(left + i * band + band / 2, top + h - h * v / k_max) for i, v in enumerate(killed)]
    svg.path("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts), "#9b2c2c", 1.3)
    for x, y in pts:
        svg.circle(x, y, 2, "#9b2c2c", "#ffffff", 0.5)
    for k, name in enumerate(names):
        svg.rect(left + w + 40, top + 4 + k * 11, 8, 8, PROVINCE_COLOURS[k % len(PROVINCE_COLOURS)])
        svg.text(left + w + 52, top + 11 + k * 11, name, 6.8, fill=MUTED)
    return svg.done()


def _project(
    lon: float, lat: float, bbox: tuple[float, float, float, float], x0: float, y0: float, w: float, h: float
) -> tuple[float, float]:
    min_lon, min_lat, max_lon, max_lat = bbox
    return x0 + w * (lon - min_lon) / (max_lon - min_lon), y0 + h * (max_lat - lat) / (max_lat - min_lat)


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates", [])
    if kind == "LineString":
        return [coords]
    if kind in ("MultiLineString", "Polygon"):
        return list(coords)
    if kind == "MultiPolygon":
        return [ring for poly in coords for ring in poly]
    if kind == "GeometryCollection":
        return [ring for part in geometry.get("geometries", []) for ring in _rings(part)]
    return []


def _clipped(geometry: dict[str, Any] | None, bbox: tuple[float, float, float, float]) -> dict[str, Any]:
    """The part of a GeoJSON geometry inside ``bbox`` (plus a small margin), simplified for print."""
    if not geometry:
        return {}
    import shapely
    from shapely.geometry import mapping, shape

    min_lon, min_lat, max_lon, max_lat = bbox
    geom = shapely.clip_by_rect(shape(geometry), min_lon - 0.2, min_lat - 0.2, max_lon + 0.2, max_lat + 0.2)
    if geom.is_empty:
        return {}
    return dict(mapping(geom.simplify(0.004, preserve_topology=True)))


def _decimate(points: list[tuple[float, float]], tolerance: float = 0.7) -> list[tuple[float, float]]:
    """Drop points closer than ``tolerance`` (in points) to the last one kept: a printed map needs no more."""
    if len(points) < 3:
        return points
    kept = [points[0]]
    for x, y in points[1:-1]:
        lx, ly = kept[-1]
        if abs(x - lx) + abs(y - ly) >= tolerance:
            kept.append((x, y))
    kept.append(points[-1])
    return kept


def incident_map(
    incidents: Sequence[dict[str, Any]],
    layers: dict[str, Any] | None,
    bbox: tuple[float, float, float, float] = (59.6, 24.6, 65.0, 30.8),
) -> str:
    """Incidents near the border on a plain longitude/latitude frame (equirectangular, corrected for the
    latitude), over the countries, provinces and border line of ``layers`` when sarhad.geo provides them."""
    min_lon, min_lat, max_lon, max_lat = bbox
    w = 330.0
    h = w * (max_lat - min_lat) / ((max_lon - min_lon) * math.cos(math.radians((min_lat + max_lat) / 2)))
    x0, y0 = 26.0, 6.0
    svg = _Svg(w + x0 + 6, h + y0 + 60, "Map of incidents near the border")
    svg.rect(x0, y0, w, h, "#f4f7fa", GRID)
    svg.parts.append(
        f'<clipPath id="mapclip"><rect x="{x0}" y="{y0}" width="{w:.1f}" height="{h:.1f}"/></clipPath>'
        '<g clip-path="url(#mapclip)">'
    )
    for lon in range(math.ceil(min_lon), math.floor(max_lon) + 1):
        x, _ = _project(lon, min_lat, bbox, x0, y0, w, h)
        svg.line(x, y0, x, y0 + h, "#e4e9ee", 0.4)
    for lat in range(math.ceil(min_lat), math.floor(max_lat) + 1):
        _, y = _project(min_lon, lat, bbox, x0, y0, w, h)
        svg.line(x0, y, x0 + w, y, "#e4e9ee", 0.4)

    def draw(collection: dict[str, Any] | None, stroke: str, width: float, fill: str = "none", **kw: Any) -> None:
        for feature in (collection or {}).get("features", []):
            for ring in _rings(_clipped(feature.get("geometry"), bbox)):
                pts = _decimate([_project(c[0], c[1], bbox, x0, y0, w, h) for c in ring])
                if len(pts) > 1:
                    svg.path("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts), stroke, width, fill, **kw)

    if layers:
        draw(layers.get("countries"), "#9aa5b1", 0.6, "#ffffff")
        bands = [
            f
            for f in (layers.get("band") or {}).get("features", [])
            if (f.get("properties") or {}).get("band_km") == 50
        ]
        draw({"features": bands}, "none", 0, "#ede9fe")
        draw(layers.get("provinces"), "#cbd2d9", 0.4)
        draw(layers.get("border"), "#4c1d95", 1.4)
    for inc in incidents:
        if inc.get("lat") is None or inc.get("lon") is None:
            continue
        x, y = _project(inc["lon"], inc["lat"], bbox, x0, y0, w, h)
        killed = (inc.get("killed") or {}).get("best") or 0
        svg.circle(
            x,
            y,
            2.4 + min(math.sqrt(killed) * 1.2, 7),
            PARTY_COLOURS.get(inc.get("country") or "", MUTED) + "b3",
            "#ffffff",
            0.6,
        )
        if inc.get("label"):
            svg.text(x + 4, y - 3, str(inc["label"]), 6, fill=INK)
    if layers:
        for feature in (layers.get("crossings") or {}).get("features", []):
            geom = feature.get("geometry") or {}
            if geom.get("type") == "Point":
                x, y = _project(geom["coordinates"][0], geom["coordinates"][1], bbox, x0, y0, w, h)
                svg.rect(x - 2.5, y - 2.5, 5, 5, "#ffffff", INK, stroke_width=0.8)
    svg.parts.append("</g>")
    for lon in range(math.ceil(min_lon), math.floor(max_lon) + 1):
        x, _ = _project(lon, min_lat, bbox, x0, y0, w, h)
        svg.text(x, y0 + h + 9, f"{lon}°E", 6, "middle", MUTED)
    for lat in range(math.ceil(min_lat), math.floor(max_lat) + 1):
        _, y = _project(min_lon, lat, bbox, x0, y0, w, h)
        svg.text(x0 - 3, y + 2, f"{lat}°N", 6, "end", MUTED)
    ly = y0 + h + 22
    _legend(svg, x0, ly, [("in Pakistan", PARTY_COLOURS["PK"]), ("in Iran", PARTY_COLOURS["IR"])], square=False)
    svg.text(x0 + 120, ly, "size: killed (best estimate)", 6.5, fill=MUTED)
    if not layers:
        svg.text(x0, ly + 11, "Base map not available: plain longitude/latitude frame.", 6.5, fill=MUTED)
    else:
        svg.text(x0, ly + 11, "Shaded: within 50 km of the border; squares: official crossings.", 6.5, fill=MUTED)
        import textwrap

        for k, line in enumerate(textwrap.wrap(str(layers.get("attribution") or ""), 100)[:3]):
            svg.text(x0, ly + 20 + 8 * k, line, 5.5, fill=MUTED)
    if not any(i.get("lat") is not None for i in incidents):
        svg.text(x0 + w / 2, y0 + h / 2, "no geolocated incidents near the border", 8, "middle", MUTED)
    return svg.done()


def timeliness(quarters: Sequence[str], share: Mapping[str, Sequence[float | None]], parties: Sequence[str]) -> str:
    """Data-exchange timeliness: the share of each party's records published within 72 hours of the event."""
    left, top, w, h = 34.0, 12.0, 440.0, 90.0
    svg = _Svg(left + w + 150, top + h + 26, "Data-exchange timeliness: records shared within 72 hours")
    if not quarters or all(v is None for s in share.values() for v in s):
        return svg.empty("no records shared in these quarters")
    band = w / len(quarters)
    for pct in (0, 50, 100):
        y = top + h - h * pct / 100
        svg.line(left, y, left + w, y)
        svg.text(left - 4, y + 2.5, f"{pct}%", 6.5, "end", MUTED)
    n = max(len(parties), 1)
    for i, q in enumerate(quarters):
        for j, p in enumerate(parties):
            v = share.get(p, [None] * len(quarters))[i]
            x = left + i * band + band * 0.15 + j * band * 0.7 / n
            if v is None:
                svg.text(x + band * 0.35 / n, top + h - 3, "–", 6.5, "middle", MUTED)
                continue
            svg.rect(x, top + h - h * v, band * 0.7 / n - 1, h * v, _party_colour(p, parties))
            svg.text(x + band * 0.35 / n, top + h - h * v - 2, f"{100 * v:.0f}", 6, "middle", MUTED)
        svg.text(left + i * band + band / 2, top + h + 11, q, 6.5, "middle", MUTED)
    _legend(svg, left + w + 12, top + 10, [(p, _party_colour(p, parties)) for p in parties])
    return svg.done()
