"""The report's charts as PNG bytes: matplotlib with the Agg backend, deterministic output.

Fixed figure size and resolution, a fixed font, no timestamps or software name in the PNG
metadata: the same figures always give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from slawriter.measure.report import Figures, month_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_IN, HEIGHT_IN, DPI = 6.4, 3.2, 150
_METADATA = {"Software": None}
_COLOURS = ("#1f4e79", "#5b9bd5", "#a5a5a5", "#ed7d31", "#70ad47", "#ffc000")


def load_matplotlib() -> None:
    """Import matplotlib with the Agg backend (a report may do it while it waits)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot


def _figure() -> tuple[Figure, Axes]:
    load_matplotlib()
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 8, "svg.hashsalt": "slawriter"})
    figure, axes = plt.subplots(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    return figure, axes


def _wrapped(label: str) -> str:
    """A tick label as the tables name it, on two lines at most where it is long."""
    import textwrap

    lines = textwrap.wrap(label, 18)
    return "\n".join([lines[0], " ".join(lines[1:])]) if len(lines) > 1 else label


def _png(figure: Figure) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata=_METADATA)
    plt.close(figure)
    return buffer.getvalue()


def compliance_chart(months: Sequence[Figures]) -> bytes:
    """Response and resolution compliance per priority, one group of bars per priority."""
    figure, axes = _figure()
    priorities = list(months[0].priorities)
    series: list[tuple[str, list[float | None]]] = []
    for month in months:
        prefix = f"{month_label(month.label)}: " if len(months) > 1 else ""
        for kind in ("response", "resolution"):
            values: list[float | None] = []
            for pid in priorities:
                item = month.priorities[pid]
                ratio = (
                    item.response_compliance if kind == "response" else item.resolution_compliance
                )
                values.append(None if ratio is None else ratio * 100)
            series.append((f"{prefix}{kind}", values))
    count = len(series)
    width = 0.8 / count
    for index, (label, values) in enumerate(series):
        offsets = [p + (index - (count - 1) / 2) * width for p in range(len(priorities))]
        heights = [0.0 if value is None else value for value in values]
        axes.bar(offsets, heights, width, label=label, color=_COLOURS[index % len(_COLOURS)])
        for offset, value in zip(offsets, values, strict=True):
            if value is None:  # nothing decided yet: said, so an empty slot never reads as 0%
                axes.text(offset, 2, "n/a", ha="center", va="bottom", fontsize=7,
                          color="#595959")  # fmt: skip
    names = [_wrapped(f"{pid} {months[0].priorities[pid].name}") for pid in priorities]
    axes.set_xticks(range(len(priorities)), names)
    axes.set_ylim(0, 105)
    axes.set_ylabel("Targets met (%)")
    axes.set_title("Response and resolution compliance by priority")
    # Beside the bars, not over them: a legend in a corner hid the 'n/a' of a last priority.
    axes.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.tight_layout()
    return _png(figure)


def downtime_chart(months: Sequence[Figures]) -> bytes:
    """Downtime against the allowed budget per service, in minutes."""
    figure, axes = _figure()
    services = list(months[0].services)
    groups = len(months) * 2
    width = 0.8 / max(groups, 1)
    index = 0
    for month in months:
        prefix = f"{month_label(month.label)}: " if len(months) > 1 else ""
        for kind, colour in (("downtime", _COLOURS[3]), ("allowed", _COLOURS[2])):
            values = [
                (
                    month.services[s].downtime_s
                    if kind == "downtime"
                    else month.services[s].allowed_downtime_s
                )
                / 60
                for s in services
            ]
            offsets = [p + (index - (groups - 1) / 2) * width for p in range(len(services))]
            axes.bar(
                offsets,
                values,
                width,
                label=f"{prefix}{kind}",
                color=colour,
                alpha=1.0 if len(months) == 1 else 0.55 + 0.15 * (index // 2),
            )
            index += 1
    axes.set_xticks(range(len(services)), [_wrapped(months[0].services[s].name) for s in services])
    axes.set_ylabel("Minutes")
    axes.set_title("Downtime against the allowed downtime")
    axes.legend(fontsize=6)
    figure.tight_layout()
    return _png(figure)


# What a screen reader says for each chart: its figures, not its title again (the caption
# under the picture already says that). Plain text, no matplotlib.


def compliance_alt(total: Figures) -> str:
    """'Compliance per priority, response and resolution: P1 100% and 95%, P2 80% and n/a'."""
    from slawriter.text.numbers import ratio_percent

    def shown(ratio: float | None) -> str:  # 0.6666 -> '66.7%', 1.0 -> '100%'
        return ratio_percent(None if ratio is None else round(ratio, 3), None)

    parts = [
        f"{pid} {shown(item.response_compliance)} and {shown(item.resolution_compliance)}"
        for pid, item in total.priorities.items()
    ]
    return "Compliance per priority, response and resolution: " + ", ".join(parts)


def downtime_alt(total: Figures) -> str:
    """'Downtime against allowed downtime: email 12 of 43.2 minutes, files 0 of 180 minutes'."""
    from slawriter.text.numbers import minutes_figure

    parts = [
        f"{sid} {minutes_figure(item.downtime_s)} of {minutes_figure(item.allowed_downtime_s)} "
        "minutes"
        for sid, item in total.services.items()
    ]
    return "Downtime against allowed downtime: " + ", ".join(parts)
