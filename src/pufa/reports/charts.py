"""Charts for report documents: matplotlib on the Agg backend, drawn in a CJK font, returned as PNG bytes.

Figures are made with `matplotlib.figure.Figure` directly, never through pyplot, so no global backend or
figure registry is involved: saving a Figure as PNG always renders with Agg, in any process.

The web pages draw their charts in the browser (ECharts); a .docx or .pdf needs a picture. Without a CJK
font matplotlib draws every Chinese character as an empty box, so the font is looked up by family name
(fonts-noto-cjk's Noto Sans CJK SC first) and a missing font is an error, not a silently broken chart.
"""

from __future__ import annotations

import io
import threading
from functools import lru_cache

from matplotlib import font_manager
from matplotlib.figure import Figure

#: Families tried in order; the first installed one draws the charts.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "AR PL UMing CN", "AR PL UKai CN", "WenQuanYi Zen Hei")
RED = "#b71c1c"
_LOCK = threading.Lock()  # FreeType faces are shared by matplotlib's font cache; draw one chart at a time


class ChartFontMissing(RuntimeError):
    pass


@lru_cache(maxsize=1)
def cjk_font() -> font_manager.FontProperties:
    """The FontProperties of the first installed CJK family; raises ChartFontMissing when there is none."""
    for family in CJK_FAMILIES:
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        return font_manager.FontProperties(family=family)
    raise ChartFontMissing("未找到中文字体，图表中的汉字无法显示。请安装 fonts-noto-cjk（运行 make system）。")


def bar_chart_png(
    *,
    title: str,
    labels: list[str],
    values: list[float],
    measure: str = "",
    horizontal: bool = True,
    width_mm: float = 150,
    dpi: int = 144,
) -> bytes:
    """A bar chart with its values written on the bars, sized to fit the 156 mm type area of a document.

    Identical charts (many small units have the same few counts) are drawn once per process."""
    return _cached_png(title, tuple(labels), tuple(float(v) for v in values), measure, horizontal, width_mm, dpi)


@lru_cache(maxsize=512)
def _cached_png(
    title: str,
    labels: tuple[str, ...],
    values: tuple[float, ...],
    measure: str,
    horizontal: bool,
    width_mm: float,
    dpi: int,
) -> bytes:
    font = cjk_font()
    n = max(len(labels), 1)
    width_in = width_mm / 25.4
    height_in = (max(2.2, 0.38 * n + 1.0) if horizontal else 3.2) if labels else 1.6
    with _LOCK:
        fig = Figure(figsize=(width_in, height_in), dpi=dpi)
        ax = fig.add_subplot()
        if not labels:
            ax.axis("off")
            ax.text(0.5, 0.5, "暂无数据", ha="center", va="center", fontproperties=font, fontsize=11, color="#888")
        elif horizontal:
            positions = list(range(n))[::-1]
            bars = ax.barh(positions, values, color=RED, height=0.6)
            ax.set_yticks(positions, labels, fontproperties=font, fontsize=9)
            ax.bar_label(bars, labels=[_fmt(v) for v in values], padding=3, fontsize=8, fontproperties=font)
            ax.set_xlim(0, max(values or [0]) * 1.15 or 1)
            ax.xaxis.set_visible(False)  # every bar carries its value
            ax.spines["bottom"].set_visible(False)
        else:
            bars = ax.bar(range(n), values, color=RED, width=0.6)
            ax.set_xticks(range(n), labels, fontproperties=font, fontsize=9, rotation=30 if n > 6 else 0)
            ax.bar_label(bars, labels=[_fmt(v) for v in values], padding=2, fontsize=8, fontproperties=font)
            ax.set_ylim(0, max(values or [0]) * 1.15 or 1)
            ax.yaxis.set_visible(False)
            ax.spines["left"].set_visible(False)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_title(title + (f"（{measure}）" if measure else ""), fontproperties=font, fontsize=11)
        _margins(fig, labels, horizontal, width_in, height_in)
        out = io.BytesIO()
        # Light compression: a chart PNG is a few dozen KB either way, and zlib at its default level costs
        # more than drawing the chart.
        fig.savefig(out, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return out.getvalue()


def _margins(fig: Figure, labels: list[str], horizontal: bool, width_in: float, height_in: float) -> None:
    """Room for the labels, computed from their length — tight_layout would draw the figure twice."""
    longest = max((sum(1.0 if ord(c) > 0x2E80 else 0.55 for c in label) for label in labels), default=0)
    label_in = longest * 9 / 72 + 0.15  # 9 pt characters
    top = 1 - 0.42 / height_in
    if horizontal:
        fig.subplots_adjust(left=min(0.45, label_in / width_in), right=0.95, top=top, bottom=0.3 / height_in)
    else:
        bottom = (label_in * 0.5 if len(labels) > 6 else 0.3) / height_in
        fig.subplots_adjust(left=0.08, right=0.97, top=top, bottom=min(0.45, bottom + 0.05))


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
