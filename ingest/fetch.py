"""Downloading a dataset given by URL, so it can be read like a local file."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlparse

MAX_BYTES = 2 * 1024**3
TIMEOUT = 60


class FetchError(RuntimeError):
    """A URL that could not be downloaded; the message names it and why."""


def is_url(location: str) -> bool:
    """True for http(s) URLs."""
    return urlparse(location).scheme in ("http", "https")


def fetch(url: str, folder: Path, *, max_bytes: int = MAX_BYTES) -> Path:
    """Download ``url`` into ``folder`` and return the file's path.

    The file keeps the URL's file name (so the reader sees the right extension).

    Raises
    ------
    FetchError
        HTTP errors, unreachable hosts, time-outs, or files larger than ``max_bytes``.
    """
    name = Path(unquote(urlparse(url).path)).name or "download"
    target = folder / name
    request = urllib.request.Request(url, headers={"User-Agent": "incidentmap-ingest"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response, \
                target.open("wb") as handle:
            length = response.headers.get("Content-Length")
            if length and int(length) > max_bytes:
                raise FetchError(f"{url} is {int(length):,} bytes, over the limit of "
                                 f"{max_bytes:,}")
            copied = 0
            while chunk := response.read(1 << 20):
                copied += len(chunk)
                if copied > max_bytes:
                    raise FetchError(f"{url} is larger than the limit of {max_bytes:,} bytes")
                handle.write(chunk)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"cannot download {url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"cannot download {url}: {reason}") from exc
    return target

