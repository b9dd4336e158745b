"""A long-lived LibreOffice converter, run by the *system* Python (Debian's python3-uno), not pufa's venv.

`documents.pdf` starts it once per process and sends it one JSON line per conversion on stdin:
{"src": "/tmp/…/a.docx", "dst": "/tmp/…/a.pdf"}; it answers one JSON line, {"ok": true} or
{"ok": false, "error": "…"}. It starts its own headless soffice listening on a private pipe and keeps it,
so a conversion costs the conversion (about 0.4 s of CPU) instead of LibreOffice's start-up (about 2 s).

Standard library and `uno` only: this file is executed as a script, outside Django.
"""

import contextlib
import json
import os
import subprocess
import sys
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

FILTERS = {".docx": "writer_pdf_Export", ".odt": "writer_pdf_Export", ".xlsx": "calc_pdf_Export"}


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main():
    soffice, profile, pipe = sys.argv[1], sys.argv[2], sys.argv[3]
    office = subprocess.Popen(  # noqa: S603 - the soffice path pufa found, no shell
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    context = None
    for _ in range(300):  # up to 60 s for a first start on a busy machine
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if office.poll() is not None:
                break
            time.sleep(0.2)
    if context is None:
        print(json.dumps({"ok": False, "error": "LibreOffice did not start"}), flush=True)
        office.kill()
        return 1
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    print(json.dumps({"ok": True, "ready": True}), flush=True)
    try:
        for line in sys.stdin:
            try:
                job = json.loads(line)
                src, dst = job["src"], job["dst"]
                document = desktop.loadComponentFromURL(
                    uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0, (prop("Hidden", True),)
                )
                try:
                    document.storeToURL(
                        uno.systemPathToFileUrl(os.path.abspath(dst)),
                        (prop("FilterName", FILTERS.get(os.path.splitext(src)[1], "writer_pdf_Export")),),
                    )
                finally:
                    document.close(True)
                print(json.dumps({"ok": True}), flush=True)
            except Exception as exc:  # every failure is reported to the caller, who falls back
                print(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"}), flush=True)
    finally:
        with contextlib.suppress(Exception):  # LibreOffice may already be gone
            desktop.terminate()
        try:
            office.wait(timeout=10)
        except subprocess.TimeoutExpired:
            office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
