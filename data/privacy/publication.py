"""Publication rules applied on every public path: pages, API, downloads (DESIGN §5).

Every public reader gets records through :func:`public_scope` (which records) and
:func:`project_public` (which fields, at which precision), so a rule is added here once
instead of in every view.

Policies
--------
``open``
    Released openly by its publisher: public at the precision and with the text released.
``demo``
    Synthetic demo data: public, always marked as synthetic.
``member``
    Logged by member organisations: public only once published, and then coarsened to the
    month, with no point, no place name, no source name and no narrative (only the reviewed
    summary), at the finest region that keeps every public count of member records at 0 or
    at least ``min_cell`` (``INCIDENTMAP_MIN_CELL``): NUTS 3, 2 or 1, else the country. The
    region is chosen by :func:`data.privacy.generalise.shown_regions` (greedy k-anonymity over
    everything public outputs show or filter on; its docstring says why differences of
    counts are safe too). Both public readers (the snapshot of :mod:`data.snapshot.model` and
    :func:`data.public.record.fetch_public_rows`) pass the records it needs and ``min_cell`` from
    the one ``Settings`` object.

Projections
-----------
Record-level outputs (the incident table, the API's rows, downloads) follow the caller's
projection (DESIGN §5). ``public`` is the above. ``researcher`` (approved researchers, and
moderators and admins reading these outputs) shows the stored NUTS regions of published
member records, up to level 3, without generalisation: still the month, never a point,
place name, narrative or identity.
Every answer in the researcher projection is logged (``record_access``). Aggregates (map,
timeline, breakdowns, stats) are the public ones for everybody.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement

from data.privacy.columns import PERSONAL_COLUMNS, columns_where
from data.privacy.generalise import KEY_COLUMNS, REGION_COLUMNS, shown_regions
from data.privacy.roles import can
from data.store.schema import incidents

PUBLIC_STATUS = "published"

#: Columns of the public projection, in output order (code lists are added by queries).
PUBLIC_COLUMNS = columns_where("public")

#: Code-list columns (codes only, never free text) that public rows carry.
PUBLIC_CODE_COLUMNS = (
    "bias_motivations",
    "primary_bias_motivation",
    "bias_indicators",
    "incident_types",
    "primary_incident_type",
)

#: How member records name their source in public: never the dataset or organisation
#: (organisations may be at risk; opted-in public names come with organisation accounts).
MEMBER_SOURCE = "member"

#: Fields no public output may ever contain (tests seed canaries into them).
RESTRICTED_COLUMNS = columns_where("public", False)
#: Public columns that member records never show: their point and place are personal data.
MEMBER_WITHHELD_COLUMNS = tuple(c for c in PUBLIC_COLUMNS if c in PERSONAL_COLUMNS)

_MONTH_OR_COARSER = ("month", "year")

PUBLIC, RESEARCHER = "public", "researcher"
#: What the researcher projection adds to a published member record (DESIGN §5).
RESEARCHER_MEMBER_COLUMNS = columns_where("researcher")


def projection_for(user) -> str:
    """The projection of record-level outputs for ``user`` (None: anonymous).

    Callers allowed ``read_researcher_rows`` (:mod:`data.privacy.roles`) get the researcher
    projection, everybody else the public one.
    """
    return RESEARCHER if can(user, "read_researcher_rows") else PUBLIC


def researcher_geo_precision(nuts1: str | None, nuts2: str | None, nuts3: str | None,
                             public: str) -> str:
    """``geo_precision`` of a member record shown with its regions: the finest region shown.

    A point or municipality is never shown to researchers, so precision stops at ``nuts3``;
    without a region the public value (``country`` or ``unknown``) stays.
    """
    for code, level in ((nuts3, "nuts3"), (nuts2, "nuts2"), (nuts1, "nuts1")):
        if code:
            return level
    return public


def public_scope() -> ColumnElement[bool]:
    """SQL condition selecting the records any public output may draw from."""
    return incidents.c.status == PUBLIC_STATUS


def is_public(frame: pd.DataFrame) -> pd.Series:
    """Mask of the rows of ``frame`` that any public output may draw from.

    The in-memory twin of :func:`public_scope`; ``frame`` needs a ``status`` column.
    """
    return frame["status"] == PUBLIC_STATUS


def project_public(frame: pd.DataFrame, *, min_cell: int,
                   links: Mapping[str, pd.DataFrame] | None = None,
                   codes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Apply the publication policy of each record to a frame of incident rows.

    Parameters
    ----------
    frame : pandas.DataFrame
        Incident rows with ``policy``, ``date_start``, ``date_end``, ``date_precision`` and
        ``geo_precision``, and any other public columns; columns that are not public are
        dropped. To show member records below country level it needs ``id`` and every
        column of :data:`data.privacy.generalise.KEY_COLUMNS`, and must hold every published
        member record of each NUTS 1 region it holds one of (classes are counted in it).
    min_cell : int
        The small-cell threshold (``Settings.min_cell``).
    links : dict of str to pandas.DataFrame, optional
        Code links of the frame's records (see :func:`data.privacy.generalise.code_sets`). Without
        them (or ``codes``) member records are shown at country level only.
    codes : pandas.DataFrame, optional
        Instead of ``links``: the records' code sets, row for row with ``frame``, as integer
        columns equal exactly for records with the same codes (the snapshot's bit sets).

    Returns
    -------
    pandas.DataFrame
        A new frame with only :data:`PUBLIC_COLUMNS` and :data:`PUBLIC_CODE_COLUMNS`,
        where member records are coarsened to the month, with no point, place or source
        name, and shown at the region :func:`data.privacy.generalise.shown_regions` allows.
    """
    allowed = (*PUBLIC_COLUMNS, *PUBLIC_CODE_COLUMNS)
    keep = [c for c in frame.columns if c in allowed]
    out = frame.loc[:, keep].copy()
    member = (out["policy"] == "member").to_numpy()
    if member.any():
        start = pd.to_datetime(out["date_start"])
        end = pd.to_datetime(out["date_end"])
        out["date_start"] = start.where(~member, start.dt.to_period("M").dt.start_time)
        out["date_end"] = end.where(~member, end.dt.to_period("M").dt.end_time.dt.normalize())
        finer = ~out["date_precision"].isin(_MONTH_OR_COARSER).to_numpy()
        out.loc[member & finer, "date_precision"] = "month"
        for column in MEMBER_WITHHELD_COLUMNS:
            if column in out:
                out.loc[member, column] = None
        _show_member_regions(out, frame, member, min_cell, links, codes)
        if "source" in out:
            out.loc[member, "source"] = MEMBER_SOURCE
    if "is_online" in out:
        out["is_online"] = out["is_online"].astype(bool)
    return out


def _show_member_regions(out: pd.DataFrame, frame: pd.DataFrame, member: np.ndarray,
                         min_cell: int, links: Mapping[str, pd.DataFrame] | None,
                         codes: pd.DataFrame | None) -> None:
    """Set the member rows of ``out`` (dates already published) to the region shown."""
    needed = (*REGION_COLUMNS, *KEY_COLUMNS, "geo_precision")
    if (links is not None or codes is not None) and "id" in frame \
            and all(c in out for c in needed):
        records = pd.concat([frame.loc[member, ["id"]], out.loc[member]], axis=1)
        member_codes = None if codes is None else codes.iloc[np.flatnonzero(member)] \
            .reset_index(drop=True)
        shown = shown_regions(records, links, min_cell, codes=member_codes)
    else:  # not enough to count classes: country level is always safe
        shown = pd.DataFrame({"geo_precision": np.where(
            out.loc[member, "geo_precision"] == "unknown", "unknown", "country")},
            index=out.index[member])
    for column in (*REGION_COLUMNS, "geo_precision"):
        if column in out:
            out[column] = out[column].astype(object)
            out.loc[member, column] = shown[column].to_numpy() if column in shown else None
