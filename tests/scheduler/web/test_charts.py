"""Fairness charts: bars of load with a target tick, off-target ones flagged on both sides."""

from __future__ import annotations

from scheduler.web.charts import Bar, bar_chart, person_bars, zone_bars


def test_off_target_from_ten_percent_on_either_side() -> None:
    assert not Bar("a", 110, 100, 0).off_target
    assert Bar("a", 110.5, 100, 0).off_target
    assert not Bar("a", 90, 100, 0).off_target
    assert Bar("a", 89.5, 100, 0).off_target
    # Small targets: half a duty of slack, so one duty on a target of two is not alarming.
    assert not Bar("a", 2.5, 2, 0).off_target
    assert Bar("a", 2.6, 2, 0).off_target


def test_people_most_over_target_first_coloured_by_zone() -> None:
    bars = person_bars(
        {
            "hh-01": {"load": 5, "target": 3},
            "rt-01": {"load": 1, "target": 3},
            "hh-02": {"load": 3, "target": 3},
        },
        names={"hh-01": "An", "rt-01": "Bo", "hh-02": "Cas"},
        zone_of={"hh-01": "HH", "rt-01": "RT", "hh-02": "HH"},
        colours={"HH": 0, "RT": 1},
    )
    assert [(bar.label, bar.colour) for bar in bars] == [("An", 0), ("Cas", 0), ("Bo", 1)]


def test_the_svg_names_itself_and_escapes_labels() -> None:
    chart = bar_chart(
        zone_bars({"HH": {"load": 40, "target": 50}, "<RT>": {"load": 60, "target": 50}}, {}),
        title="OVW & zones",
    )
    assert chart.startswith("<svg")
    assert 'aria-label="OVW &amp; zones"' in chart
    assert "&lt;RT&gt;" in chart and "<RT>" not in chart
    assert "40 / 50 (-10) · 40% / 50%" in chart and "60 / 50 (+10) · 60% / 50%" in chart
    assert bar_chart([], title="empty") == ""
