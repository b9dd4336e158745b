"""The QR code of a survey's public link, drawn here with `segno` (no outside service: the server of a
street office may have no internet, and a link handed to a third party would leak which surveys exist)."""

from __future__ import annotations

import io

import segno

SVG_TYPE = "image/svg+xml"


def svg(url: str, *, title: str = "") -> bytes:
    """An SVG QR code of `url` (an absolute link: a phone's camera opens it as it is), error correction M
    (still read with a fold or a smudge on a poster), scalable, with the quiet zone the standard asks for."""
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=10, border=4, xmldecl=False, title=title or None, unit="px")
    return out.getvalue()
