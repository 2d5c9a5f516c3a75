"""Zip members written in sequence into a streaming, unseekable zip (XLSX, data package)."""

from __future__ import annotations

import datetime as dt
import zipfile


def member(name: str, when: dt.datetime, level: int = 6) -> zipfile.ZipInfo:
    """A deflated zip member dated ``when`` (so the same content gives the same bytes).

    Parameters
    ----------
    name : str
        Path inside the zip.
    when : datetime.datetime
        Modification time stored for the member (UTC, to the second).
    level : int
        Deflate level, 1 (fast) to 9 (small).

    Returns
    -------
    zipfile.ZipInfo
    """
    stamp = when.astimezone(dt.UTC)
    info = zipfile.ZipInfo(name, date_time=(max(stamp.year, 1980), stamp.month, stamp.day,
                                            stamp.hour, stamp.minute, stamp.second))
    info.compress_type = zipfile.ZIP_DEFLATED
    # ZipFile(compresslevel=...) applies only to members opened by name, not by ZipInfo
    info._compresslevel = level
    info.external_attr = 0o644 << 16
    return info
