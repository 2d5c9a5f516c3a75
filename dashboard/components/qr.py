"""QR codes drawn by the server (``segno``) as inline SVG: no image request, no outside service.

The template draws ``<svg viewBox="0 0 {size} {size}"><path d="{path}"/></svg>`` from a
:class:`QrImage`: the path is digits and drawing letters only, so Jinja escapes it like any
other value and nothing needs to be marked safe.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno

#: Light modules around the code, as the QR standard asks (readers need the quiet zone).
BORDER = 4


@dataclass(frozen=True)
class QrImage:
    """A QR code as one SVG path on a ``size`` x ``size`` grid (one unit per module)."""

    size: int
    path: str


def qr_image(text: str) -> QrImage:
    """The QR code of ``text`` (error correction M) as a :class:`QrImage`.

    Parameters
    ----------
    text : str
        What the code holds, e.g. an ``otpauth://`` URI.

    Returns
    -------
    QrImage
        Each run of dark modules in a row is one rectangle of the path.
    """
    rows = list(segno.make(text, error="m").matrix_iter(scale=1, border=BORDER))
    parts = []
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if row[x]:
                end = x
                while end < len(row) and row[end]:
                    end += 1
                parts.append(f"M{x} {y}h{end - x}v1h-{end - x}z")
                x = end
            else:
                x += 1
    return QrImage(len(rows), "".join(parts))
