"""Secrets kept in the instance folder when the settings name none (created once, mode 600).

The session signing key and the identity vault's key both fall back to a file here, so that
they survive restarts and are shared by the workers of one machine. Production sets them in
the environment instead; the vault key, in particular, must be backed up apart from the
database (DESIGN §5, issue "data protection").
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def kept_secret(path: Path, make: Callable[[], str]) -> str:
    """The secret stored at ``path``, created with ``make()`` (mode 600) when missing.

    Parameters
    ----------
    path : pathlib.Path
        File holding the secret as one line of ASCII.
    make : callable
        Returns a new secret; called only when the file does not exist yet.

    Returns
    -------
    str
        The secret, without surrounding white space. When two processes start at once,
        both get the one that was written first.
    """
    path = Path(path)
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = make()
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker wrote it first
            return path.read_text(encoding="ascii").strip()
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secret)
        return secret
