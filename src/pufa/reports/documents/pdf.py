""".docx → .pdf through LibreOffice headless (`soffice --convert-to pdf`).

Each conversion runs in a temporary directory with LibreOffice's user profile kept per process
(`-env:UserInstallation`), so two workers never fight over one profile's lock and a second conversion in
the same process skips the profile set-up (about half a second). The fontconfig file beside this module is
passed as FONTCONFIG_FILE: it maps the official font names the .docx asks for (仿宋_GB2312, 方正小标宋简体,
黑体, 楷体_GB2312 …) to the installed free faces, so Chinese renders in the nearest face instead of as boxes
or in a random fallback. Several documents convert in one soffice run (`convert_many`) — what bulk
generation uses, since starting LibreOffice costs more than converting a report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

FONTS_CONF = Path(__file__).with_name("fonts.conf")
DEFAULT_TIMEOUT = 120
_PROFILE_DIRS: dict[int, Path] = {}
_LOCK = threading.Lock()  # one soffice per profile at a time: threads of one process take turns


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed; the message says how to install it."""


class PdfConversionError(RuntimeError):
    pass


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice_path() is not None


def _profile_dir() -> Path:
    """One LibreOffice profile per process, created on first use and reused by later conversions."""
    pid = os.getpid()
    path = _PROFILE_DIRS.get(pid)
    if path is None or not path.exists():
        path = Path(tempfile.mkdtemp(prefix=f"pufa-soffice-{pid}-"))
        _PROFILE_DIRS[pid] = path
    return path


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    env.setdefault("HOME", tempfile.gettempdir())
    env["SAL_USE_VCLPLUGIN"] = "svp"  # headless rendering, no X display needed
    return env


def convert_many(sources: dict[str, bytes], *, timeout: int = DEFAULT_TIMEOUT) -> dict[str, bytes]:
    """Convert .docx/.xlsx documents, named by `sources` keys (file names without directory), to PDF bytes."""
    soffice = soffice_path()
    if soffice is None:
        raise PdfUnavailable(
            "未安装 LibreOffice，无法生成 PDF。请运行 make system（安装 libreoffice-writer-nogui），"
            "或先下载 Word 版本。"
        )
    if not sources:
        return {}
    with tempfile.TemporaryDirectory(prefix="pufa-pdf-") as tmp:
        work = Path(tmp)
        inputs = []
        for name, data in sources.items():
            if "/" in name or name.startswith("."):
                raise ValueError(f"bad document name: {name!r}")
            path = work / name
            path.write_bytes(data)
            inputs.append(str(path))
        out_dir = work / "out"
        command = [
            soffice,
            f"-env:UserInstallation={_profile_dir().as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *inputs,
        ]
        try:
            with _LOCK:
                result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
                    command,
                    env=environment(),
                    cwd=tmp,
                    capture_output=True,
                    timeout=timeout,
                    check=False,
                )
        except subprocess.TimeoutExpired as exc:
            raise PdfConversionError(f"LibreOffice 转换超时（{timeout} 秒）。") from exc
        results: dict[str, bytes] = {}
        for name in sources:
            pdf = out_dir / (Path(name).stem + ".pdf")
            if not pdf.exists():
                detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip()[-500:]
                raise PdfConversionError(f"LibreOffice 未能转换“{name}”：{detail or '没有输出'}")
            results[name] = pdf.read_bytes()
        return results


def convert(data: bytes, *, suffix: str = ".docx", timeout: int = DEFAULT_TIMEOUT) -> bytes:
    """Convert one .docx (or .xlsx with suffix=".xlsx") to PDF bytes."""
    name = f"document{suffix}"
    return convert_many({name: data}, timeout=timeout)[name]
