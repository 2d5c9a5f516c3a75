"""Downloading a dataset given by URL, so it can be read like a local file."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from geo.download import DownloadError, download

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
    try:
        download(url, target, max_bytes=max_bytes, timeout=TIMEOUT,
                 user_agent="incidentmap-ingest")
    except DownloadError as exc:
        raise FetchError(str(exc)) from exc
    return target
