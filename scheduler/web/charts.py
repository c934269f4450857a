"""Fairness charts as inline SVG, drawn on the server (no script, prints well).

Each chart is a set of horizontal bars — a zone's or a person's load, history
included — with a dark tick at its target, so "too much" and "too little" read
at a glance. Bars further than ``OFF_TARGET`` from their target get a red
label. Every chart carries a text alternative (``aria-label`` and a table on
the page).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# A deviation larger than this share of the target (and than half a duty) is flagged.
OFF_TARGET = 0.10
ZONE_FILL = ("#2563eb", "#d97706", "#16a34a", "#db2777", "#7c3aed", "#0284c7")
ROW_HEIGHT = 26
LABEL_WIDTH = 170
VALUE_WIDTH = 300
BAR_WIDTH = 420


@dataclass(frozen=True)
class Bar:
    label: str
    load: float
    target: float
    colour: int  # index into ZONE_FILL
    note: str = ""  # shown after the numbers, e.g. the share of the whole

    @property
    def deviation(self) -> float:
        return self.load - self.target

    @property
    def off_target(self) -> bool:
        return abs(self.deviation) > max(0.5, OFF_TARGET * self.target)


def _number(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def bar_chart(bars: Sequence[Bar], *, title: str) -> Markup:
    """Horizontal bars of load with a tick at each target."""
    if not bars:
        return Markup("")
    top = max(max(bar.load, bar.target) for bar in bars) or 1.0
    scale = BAR_WIDTH / (top * 1.05)
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = ROW_HEIGHT * len(bars) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        f'font-family="system-ui, sans-serif" font-size="13">',
        f"<title>{escape(title)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = 4 + index * ROW_HEIGHT
        fill = ZONE_FILL[bar.colour % len(ZONE_FILL)]
        load_width = max(bar.load * scale, 0.0)
        target_x = LABEL_WIDTH + bar.target * scale
        sign = "+" if bar.deviation > 0 else ""
        value = f"{_number(bar.load)} / {_number(bar.target)} ({sign}{_number(bar.deviation)})"
        if bar.note:
            value += f" · {bar.note}"
        colour = "#a4161a" if bar.off_target else "#1a1a1a"
        weight = "700" if bar.off_target else "400"
        parts += [
            f"<g><title>{escape(bar.label)}: {escape(value)}</title>",
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 17}" text-anchor="end" fill="#1a1a1a">'
            f"{escape(bar.label)}</text>",
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{BAR_WIDTH}" height="{ROW_HEIGHT - 8}" '
            f'fill="#f3f4f6"/>',
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{load_width:.1f}" '
            f'height="{ROW_HEIGHT - 8}" fill="{fill}"/>',
            f'<line x1="{target_x:.1f}" x2="{target_x:.1f}" y1="{y}" y2="{y + ROW_HEIGHT}" '
            f'stroke="#111" stroke-width="3"/>',
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 17}" fill="{colour}" '
            f'font-weight="{weight}">{escape(value)}</text></g>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))


def zone_bars(zones: Mapping[str, Mapping[str, float]], colours: Mapping[str, int]) -> list[Bar]:
    """Zone loads with their share of the role: "40% / 50%" is the share had / the share due."""
    total_load = sum(float(row["load"]) for row in zones.values()) or 1.0
    total_target = sum(float(row["target"]) for row in zones.values()) or 1.0
    return [
        Bar(
            code,
            float(row["load"]),
            float(row["target"]),
            colours.get(code, 0),
            note=f"{row['load'] / total_load:.0%} / {row['target'] / total_target:.0%}",
        )
        for code, row in sorted(zones.items())
    ]


def person_bars(
    people: Mapping[str, Mapping[str, float]],
    *,
    names: Mapping[str, str],
    zone_of: Mapping[str, str],
    colours: Mapping[str, int],
) -> list[Bar]:
    """Most over target first, so the people to relieve head the chart."""
    bars = [
        Bar(
            names.get(code, code),
            float(row["load"]),
            float(row["target"]),
            colours.get(zone_of.get(code, ""), 0),
        )
        for code, row in people.items()
    ]
    return sorted(bars, key=lambda bar: (-bar.deviation, bar.label))
