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


_font_list_rebuilt = False  # a process rescans the fonts at most once


class ChartFontMissing(RuntimeError):
    pass


def _installed_cjk_family() -> str | None:
    for family in CJK_FAMILIES:
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            continue
        return family
    return None


def _rebuild_font_list() -> None:
    """Scan the system's fonts again and rewrite matplotlib's font cache (fontlist-*.json).

    matplotlib lists the installed fonts once and keeps the list in its cache directory; a cache written
    before fonts-noto-cjk was installed (a fresh machine whose first matplotlib import ran before `make
    system`) hides the new fonts for ever. matplotlib has no public call to rescan, so this does what it does
    itself when a cached font file has gone (`FontManager._findfont_cached`): load a fresh FontManager,
    written back to the cache, and put its state into the shared instance; cached look-ups are dropped.
    """
    fresh = font_manager._load_fontmanager(try_read_cache=False)  # type: ignore[attr-defined]
    vars(font_manager.fontManager).update(vars(fresh))
    font_manager.FontManager._findfont_cached.cache_clear()  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def cjk_font() -> font_manager.FontProperties:
    """The FontProperties of the first installed CJK family; raises ChartFontMissing when there is none.

    When none is found the font list is rebuilt once (it may predate the fonts) before giving up.
    """
    global _font_list_rebuilt
    family = _installed_cjk_family()
    if family is None and not _font_list_rebuilt:
        with _LOCK:
            _rebuild_font_list()
            _font_list_rebuilt = True
            family = _installed_cjk_family()
    if family is None:
        raise ChartFontMissing("未找到中文字体，图表中的汉字无法显示。请安装 fonts-noto-cjk（运行 make system）。")
    return font_manager.FontProperties(family=family)


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
    top = 1 - 0.42 / height_in  # room for the title
    peak = max(values or (0,)) or 1
    with _LOCK:
        fig = Figure(figsize=(width_in, height_in), dpi=dpi)
        fig.text(0.5, 1 - 0.12 / height_in, title + (f"（{measure}）" if measure else ""), ha="center", va="top",
                 fontproperties=font, fontsize=11)  # fmt: skip
        if not labels:
            fig.text(0.5, 0.4, "暂无数据", ha="center", va="center", fontproperties=font, fontsize=11, color="#888")
        elif horizontal:
            # Axes without ticks: labels and values are plain texts, which costs a third of matplotlib's
            # tick machinery (the chart is most of a report's rendering time in bulk generation).
            left = min(0.45, (_label_width(labels) * 9 / 72 + 0.2) / width_in)
            ax = fig.add_axes((left, 0.3 / height_in, 0.93 - left, top - 0.3 / height_in))
            ax.set_axis_off()
            positions = list(range(n))[::-1]
            ax.barh(positions, values, color=RED, height=0.6)
            ax.set_xlim(0, peak * 1.15)
            ax.set_ylim(-0.6, n - 0.4)
            ax.axvline(0, color="#333", linewidth=0.8)
            for y, label, value in zip(positions, labels, values, strict=True):
                ax.text(-peak * 0.015, y, label, ha="right", va="center", fontproperties=font, fontsize=9)
                ax.text(value + peak * 0.01, y, _fmt(value), ha="left", va="center", fontproperties=font, fontsize=8)
        else:
            bottom = ((_label_width(labels) * 9 / 72 * 0.5 if n > 6 else 0.1) + 0.3) / height_in
            ax = fig.add_axes((0.05, bottom, 0.92, top - bottom))
            ax.set_axis_off()
            ax.bar(range(n), values, color=RED, width=0.6)
            ax.set_ylim(0, peak * 1.15)
            ax.set_xlim(-0.6, n - 0.4)
            ax.axhline(0, color="#333", linewidth=0.8)
            for x, label, value in zip(range(n), labels, values, strict=True):
                ax.text(x, -peak * 0.03, label, ha="right" if n > 6 else "center", va="top", fontproperties=font,
                        fontsize=9, rotation=30 if n > 6 else 0, rotation_mode="anchor")  # fmt: skip
                ax.text(x, value + peak * 0.01, _fmt(value), ha="center", va="bottom", fontproperties=font, fontsize=8)
        out = io.BytesIO()
        # Light compression: a chart PNG is a few dozen KB either way, and zlib at its default level costs
        # more than drawing the chart.
        fig.savefig(out, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return out.getvalue()


def _label_width(labels: tuple[str, ...]) -> float:
    """The longest label in characters (a CJK character 1, a Latin letter or digit about half)."""
    return max((sum(1.0 if ord(c) > 0x2E80 else 0.55 for c in label) for label in labels), default=0)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
