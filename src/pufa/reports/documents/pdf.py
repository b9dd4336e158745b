""".docx → .pdf through LibreOffice headless.

Two ways, the fast one first:

- a **resident converter** (`uno_convert.py`, run by the system Python with Debian's python3-uno): started
  at the first conversion in a process, it keeps one headless soffice and converts through UNO, so a
  report costs its conversion (≈0.4 s of CPU) rather than LibreOffice's start-up (≈2 s). It is stopped
  when the process exits;
- else (no python3-uno, or the resident converter failed) **`soffice --convert-to pdf`**, one run for a
  whole batch of documents, in a temporary directory, with LibreOffice's user profile kept per process
  (`-env:UserInstallation`) so two workers never fight over one profile's lock.

Both pass the fontconfig file beside this module as FONTCONFIG_FILE: it maps the official font names the
.docx asks for (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312 …) to the installed free faces, so Chinese
renders in the nearest face instead of as boxes or in a random fallback.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

FONTS_CONF = Path(__file__).with_name("fonts.conf")
UNO_SCRIPT = Path(__file__).with_name("uno_convert.py")
SYSTEM_PYTHON = "/usr/bin/python3"
DEFAULT_TIMEOUT = 120
START_TIMEOUT = 90
_PROFILE_DIRS: dict[tuple[int, str], Path] = {}
_LOCK = threading.Lock()  # one LibreOffice per profile at a time: threads of one process take turns
log = logging.getLogger(__name__)


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed; the message says how to install it."""


class PdfConversionError(RuntimeError):
    pass


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice_path() is not None


@lru_cache(maxsize=1)
def uno_available() -> bool:
    """Can the system Python drive LibreOffice (python3-uno installed)?"""
    if not Path(SYSTEM_PYTHON).exists():
        return False
    try:
        result = subprocess.run(  # noqa: S603 - fixed argument list
            [SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def _profile_dir(kind: str = "spawn") -> Path:
    """One LibreOffice profile per process (and per way of converting), reused by later conversions."""
    key = (os.getpid(), kind)
    path = _PROFILE_DIRS.get(key)
    if path is None or not path.exists():
        path = Path(tempfile.mkdtemp(prefix=f"pufa-soffice-{os.getpid()}-{kind}-"))
        _PROFILE_DIRS[key] = path
    return path


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    env.setdefault("HOME", tempfile.gettempdir())
    env["SAL_USE_VCLPLUGIN"] = "svp"  # headless rendering, no X display needed
    return env


# ---------------------------------------------------------------- the resident converter


class ResidentConverter:
    """The `uno_convert.py` helper and the soffice it keeps, owned by one process."""

    def __init__(self, soffice: str) -> None:
        self.pid = os.getpid()
        pipe = f"pufa-{os.getpid()}-{id(self)}"
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argument list
            [SYSTEM_PYTHON, str(UNO_SCRIPT), soffice, _profile_dir("resident").as_uri(), pipe],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=environment(),
            text=True,
            bufsize=1,
            start_new_session=True,  # its own process group: close() stops soffice with it
        )
        reply = self._read(START_TIMEOUT)
        if not reply.get("ready"):
            self.close()
            raise PdfConversionError(f"LibreOffice 启动失败：{reply.get('error', '')}")

    def _read(self, timeout: float) -> dict:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            raise PdfConversionError(f"LibreOffice 转换超时（{timeout:.0f} 秒）。")
        line = self.proc.stdout.readline()
        if not line:
            raise PdfConversionError("LibreOffice 意外退出。")
        return json.loads(line)

    def convert(self, src: Path, dst: Path, timeout: float) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps({"src": str(src), "dst": str(dst)}) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise PdfConversionError("LibreOffice 意外退出。") from exc
        reply = self._read(timeout)
        if not reply.get("ok") or not dst.exists():
            raise PdfConversionError(f"LibreOffice 未能转换“{src.name}”：{reply.get('error', '没有输出')}")

    def alive(self) -> bool:
        return self.pid == os.getpid() and self.proc.poll() is None

    def close(self) -> None:
        if self.pid != os.getpid():
            return  # a forked child does not own its parent's converter
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)


_RESIDENT: ResidentConverter | None = None


def _resident(soffice: str) -> ResidentConverter:
    global _RESIDENT
    if _RESIDENT is None or not _RESIDENT.alive():
        _RESIDENT = ResidentConverter(soffice)
    return _RESIDENT


def stop_resident() -> None:
    """Stop this process's resident LibreOffice (also done at exit)."""
    global _RESIDENT
    if _RESIDENT is not None:
        _RESIDENT.close()
        _RESIDENT = None


def _at_exit() -> None:
    """Stop the resident LibreOffice and remove this process's LibreOffice profiles (a few MB each)."""
    stop_resident()
    for (pid, _kind), path in list(_PROFILE_DIRS.items()):
        if pid == os.getpid():
            shutil.rmtree(path, ignore_errors=True)


atexit.register(_at_exit)


# ---------------------------------------------------------------- conversion


def _spawn(soffice: str, inputs: list[Path], out_dir: Path, cwd: Path, timeout: int) -> str:
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
        *map(str, inputs),
    ]
    try:
        result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            command, env=environment(), cwd=cwd, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise PdfConversionError(f"LibreOffice 转换超时（{timeout} 秒）。") from exc
    return (result.stderr or result.stdout).decode("utf-8", "replace").strip()[-500:]


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
        out_dir = work / "out"
        out_dir.mkdir()
        inputs = []
        for name, data in sources.items():
            if "/" in name or name.startswith("."):
                raise ValueError(f"bad document name: {name!r}")
            path = work / name
            path.write_bytes(data)
            inputs.append(path)
        detail = ""
        with _LOCK:
            pending = list(inputs)
            if uno_available():
                try:
                    converter = _resident(soffice)
                    while pending:
                        converter.convert(pending[0], out_dir / f"{pending[0].stem}.pdf", timeout)
                        pending.pop(0)
                except PdfConversionError as exc:
                    log.warning("resident LibreOffice failed, converting with soffice --convert-to: %s", exc)
                    stop_resident()
            if pending:
                detail = _spawn(soffice, pending, out_dir, work, timeout)
        results: dict[str, bytes] = {}
        for name in sources:
            pdf = out_dir / (Path(name).stem + ".pdf")
            if not pdf.exists():
                raise PdfConversionError(f"LibreOffice 未能转换“{name}”：{detail or '没有输出'}")
            results[name] = pdf.read_bytes()
        return results


def convert(data: bytes, *, suffix: str = ".docx", timeout: int = DEFAULT_TIMEOUT) -> bytes:
    """Convert one .docx (or .xlsx with suffix=".xlsx") to PDF bytes."""
    name = f"document{suffix}"
    return convert_many({name: data}, timeout=timeout)[name]
