"""Downloading one URL to a file, with a size limit: the one HTTP client of the product.

Used by ``incidentmap ingest`` for a dataset given by URL, by ``incidentmap geo fetch-nuts`` and
by the boundary build (:mod:`geo.build_boundaries`); each caller turns :class:`DownloadError`
into its own message. It lives in ``geo``, the package every other one may import, because
``geo`` itself downloads and imports nothing of the product's.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path


class DownloadError(RuntimeError):
    """A download that failed; ``offline`` is True when the host could not be reached."""

    def __init__(self, message: str, offline: bool = False):
        super().__init__(message)
        self.offline = offline


def download(url: str, target: Path, *, max_bytes: int, timeout: float,
             user_agent: str = "incidentmap") -> int:
    """Copy ``url`` into ``target`` in 1 MB pieces; returns the bytes written.

    Raises
    ------
    DownloadError
        An HTTP error, an unreachable host or a time-out (``offline``), or a file larger than
        ``max_bytes`` (refused from its Content-Length when the server states it).
    """
    request = urllib.request.Request(url, headers={"User-Agent": user_agent})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, \
                target.open("wb") as handle:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise DownloadError(f"{url} is {int(length):,} bytes, over the limit of "
                                    f"{max_bytes:,}")
            copied = 0
            while chunk := response.read(1 << 20):
                copied += len(chunk)
                if copied > max_bytes:
                    raise DownloadError(f"{url} is larger than the limit of {max_bytes:,} bytes")
                handle.write(chunk)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"cannot download {url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"cannot download {url}: {reason}", offline=True) from exc
    return copied
