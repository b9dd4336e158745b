"""A fresh machine: matplotlib's font cache was written before the CJK fonts were installed (issue 12.1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.system import missing

# Run in a child process, with matplotlib's cache directory the test's own.
STALE_THEN_CHART = """
from matplotlib import font_manager
from pufa.reports.charts import CJK_FAMILIES, bar_chart_png, cjk_font

def found(family):
    try:
        font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    except ValueError:
        return False
    return True

print("stale:", any(found(f) for f in CJK_FAMILIES))
print("chart:", cjk_font().get_family()[0])
assert bar_chart_png(title="各单位活动场次", labels=["沱河社区"], values=[3]).startswith(b"\\x89PNG")
"""


def _python(code: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MPLCONFIGDIR": str(cache), "DJANGO_SETTINGS_MODULE": "pufa.settings"}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)


def test_chart_finds_cjk_font_when_the_font_cache_predates_the_fonts(tmp_path):
    # Build matplotlib's font list in an empty cache directory, then remove every CJK face from it: the
    # cache a machine has when matplotlib was first imported before `make system` installed the fonts.
    built = _python("from matplotlib import font_manager, get_cachedir; print(get_cachedir())", tmp_path)
    assert built.returncode == 0, built.stderr
    (cache_file,) = tmp_path.glob("fontlist-*.json")
    fontlist = json.loads(cache_file.read_text())
    cjk = [f for f in fontlist["ttflist"] if "CJK" in f["name"] or f["name"].startswith("AR PL")]
    if not cjk:
        missing("a CJK font (fonts-noto-cjk)")
    fontlist["ttflist"] = [f for f in fontlist["ttflist"] if f not in cjk]
    cache_file.write_text(json.dumps(fontlist))

    out = _python(STALE_THEN_CHART, tmp_path)

    assert out.returncode == 0, out.stderr
    assert "stale: False" in out.stdout  # the cache really hid the fonts
    chart_family = out.stdout.split("chart:", 1)[1].strip()
    assert "CJK" in chart_family or chart_family.startswith("AR PL")
    # The rebuilt list was written back, so the next process finds the font without rescanning.
    assert any("CJK" in f["name"] for f in json.loads(cache_file.read_text())["ttflist"])
