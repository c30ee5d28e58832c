# chart.py - the PNG beside docs/benchmarks.md: the throughput and CPU figures of S1 and S2
# for every filter of the run, drawn with matplotlib (Debian's python3-matplotlib, bench/deps.txt).
#
#   write_chart(rows, path)   rows: bench/run's measured rows (scenario, filter, concurrency,
#                             msgs_per_s, cpu_ms_per_msg); filters in the order first seen
import matplotlib

matplotlib.use("Agg")  # no display: a file only
import matplotlib.pyplot as plt  # noqa: E402

COLOURS = {"enma": "#1f77b4", "opendkim": "#ff7f0e", "opendmarc": "#2ca02c"}
PANELS = (("S1", "S1: 4 KB, 1 signature, warm cache", "msgs_per_s", "messages/s"),
          ("S2", "S2: 100 KB, 1 signature, warm cache", "msgs_per_s", "messages/s"),
          ("S1", "S1: filter CPU per message", "cpu_ms_per_msg", "CPU ms / message"))


def number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def draw_panel(axes, rows, scenario, title, field, label):
    mine = [r for r in rows if r["scenario"] == scenario]
    filters = list(dict.fromkeys(r["filter"] for r in mine))
    levels = sorted({int(r["concurrency"]) for r in mine})
    width = 0.8 / max(len(filters), 1)
    top = max((number(r[field]) for r in mine), default=0.0)
    for i, name in enumerate(filters):
        values = {int(r["concurrency"]): number(r[field]) for r in mine if r["filter"] == name}
        xs = [j + (i - (len(filters) - 1) / 2) * width for j in range(len(levels))]
        ys = [values.get(level, 0.0) for level in levels]
        bars = axes.bar(xs, ys, width, label=name, color=COLOURS.get(name))
        axes.bar_label(bars, fmt="%.3g" if field == "cpu_ms_per_msg" else "%.0f", fontsize=7)
    axes.set_xticks(range(len(levels)), [f"c={level}" for level in levels])
    axes.set_title(title, fontsize=9)
    axes.set_ylabel(label)
    axes.set_ylim(0, top * 1.25 or 1)  # room for the bar labels and the legend
    axes.legend(fontsize=8, loc="upper left", ncols=len(filters))


def write_chart(rows, path):
    """Draw the panels that have data; returns False (and writes nothing) when none has."""
    panels = [p for p in PANELS if any(r["scenario"] == p[0] for r in rows)]
    if not panels:
        return False
    figure, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 4), squeeze=False)
    for panel_axes, panel in zip(axes[0], panels):
        draw_panel(panel_axes, rows, *panel)
    figure.tight_layout()
    figure.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(figure)
    return True
