"""Likely duplicates across sources: linked for review with a score, never merged.

The same incident often reaches several monitors (a victim's NGO, the press, ODIHR). After
each run, its new records are compared with records of *other* sources and organisations:
candidates share the country, have date intervals within three days of each other, and —
when both are placed — lie within 25 km or in the same NUTS 3 region. A score combines
date closeness, place, incident type and text similarity; pairs scoring at least
:data:`THRESHOLD` are stored in ``duplicate_links`` for a moderator. Rows of one source are
never linked to each other: a publisher that lists two identical rows means two incidents.
"""

from __future__ import annotations

import datetime as dt
from difflib import SequenceMatcher

import numpy as np
import pandas as pd
from sqlalchemy import and_, func, insert, select

from data.store.schema import duplicate_links, incident_types, incidents

THRESHOLD = 0.6
DAY_SLACK = 3
MAX_KM = 25.0
CHUNK = 500  # new records scored at once (CHUNK x pool matrices)


def _frame(conn, where) -> pd.DataFrame:
    primary_type = (select(incident_types.c.code)
                    .where(and_(incident_types.c.incident_id == incidents.c.id,
                                incident_types.c.is_primary))
                    .limit(1).scalar_subquery())
    stmt = select(incidents.c.id, incidents.c.source_id, incidents.c.country,
                  incidents.c.date_start, incidents.c.date_end, incidents.c.lat,
                  incidents.c.lon, incidents.c.nuts3, incidents.c.public_summary,
                  incidents.c.narrative, primary_type.label("type")).where(where)
    return pd.DataFrame(conn.execute(stmt).fetchall(),
                        columns=["id", "source_id", "country", "date_start", "date_end", "lat",
                                 "lon", "nuts3", "summary", "narrative", "type"])


def _arrays(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    days = {c: pd.to_datetime(frame[c]).to_numpy("datetime64[D]").astype(np.int64)
            for c in ("date_start", "date_end")}
    family = frame["type"].fillna("").str.split(".").str[1].fillna("").to_numpy(object)
    text = (frame["summary"].fillna("").astype(str).where(frame["summary"].notna(),
                                                          frame["narrative"].fillna("")))
    return {
        "id": frame["id"].to_numpy(np.int64), "start": days["date_start"],
        "end": days["date_end"], "lat": frame["lat"].to_numpy(float),
        "lon": frame["lon"].to_numpy(float), "nuts3": frame["nuts3"].fillna("").to_numpy(object),
        "family": family, "text": text.str.slice(0, 500).str.lower().to_numpy(object),
    }


def score_pairs(a: dict, b: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score every pair of records of ``a`` x ``b`` (arrays of one country), without text.

    Returns
    -------
    (score, gap_days, km) : arrays of shape (len(a), len(b))
        ``score`` is NaN where the date intervals are more than :data:`DAY_SLACK` apart.
    """
    gap = np.maximum(np.maximum(a["start"][:, None] - b["end"][None, :],
                                b["start"][None, :] - a["end"][:, None]), 0)
    span = np.maximum((a["end"] - a["start"])[:, None], (b["end"] - b["start"])[None, :]) + 1
    specificity = np.minimum(1.0, DAY_SLACK / span)
    score = 0.35 * (1 - gap / (DAY_SLACK + 1)) * specificity
    km = np.hypot((a["lat"][:, None] - b["lat"][None, :]) * 110.6,
                  (a["lon"][:, None] - b["lon"][None, :]) * 111.3
                  * np.cos(np.radians(a["lat"][:, None])))
    near = np.nan_to_num(np.clip(1 - km / MAX_KM, 0, 1), nan=0.0) * (km <= MAX_KM)
    same_region = (a["nuts3"][:, None] == b["nuts3"][None, :]) & (a["nuts3"][:, None] != "")
    score += np.where(np.isfinite(km), 0.25 * near, 0.2 * same_region)
    same_family = (a["family"][:, None] == b["family"][None, :]) & (a["family"][:, None] != "")
    score += 0.2 * same_family
    return np.where(gap <= DAY_SLACK, score, np.nan), gap, km


def _reasons(gap: int, km: float, same_region: str, family: bool, text: float) -> str:
    parts = ["same country", "overlapping dates" if gap == 0 else f"{gap} days apart"]
    if np.isfinite(km) and km <= MAX_KM:
        parts.append(f"{km:.1f} km apart")
    elif same_region:
        parts.append(f"same region {same_region}")
    if family:
        parts.append("same type family")
    parts.append(f"text {text:.0%} similar")
    return "; ".join(parts)


def link_likely_duplicates(conn, run_id: int) -> int:
    """Link this run's records to likely duplicates from other sources.

    Returns
    -------
    int
        How many of the run's records got at least one link.
    """
    mine = incidents.c.ingest_run_id == run_id
    first, last = conn.execute(select(func.min(incidents.c.date_start),
                                      func.max(incidents.c.date_end)).where(mine)).one()
    if first is None:
        return 0
    source_ids = list(conn.execute(select(incidents.c.source_id).where(mine).distinct())
                      .scalars())
    countries = list(conn.execute(select(incidents.c.country).where(mine).distinct()).scalars())
    others = _frame(conn, and_(incidents.c.source_id.not_in(source_ids),
                               incidents.c.country.in_(countries),
                               incidents.c.date_end >= first - dt.timedelta(days=DAY_SLACK),
                               incidents.c.date_start <= last + dt.timedelta(days=DAY_SLACK)))
    if others.empty:  # nothing from other sources to compare with: no need to load the run
        return 0
    new = _frame(conn, mine)
    now = dt.datetime.now(dt.UTC)
    links = []
    pools = {country: _arrays(frame) for country, frame in others.groupby("country")}
    for country, frame in new.groupby("country"):
        if country not in pools:
            continue
        pool = pools[country]
        mine = _arrays(frame)
        for lo in range(0, len(mine["id"]), CHUNK):
            part = {k: v[lo:lo + CHUNK] for k, v in mine.items()}
            score, gap, km = score_pairs(part, pool)
            rows, cols = np.nonzero(score + 0.2 >= THRESHOLD)  # text could lift these
            for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
                a_text, b_text = part["text"][i], pool["text"][j]
                similarity = SequenceMatcher(None, a_text, b_text).ratio() if a_text and \
                    b_text else 0.0
                total = float(score[i, j]) + 0.2 * similarity
                if total >= THRESHOLD:
                    region = part["nuts3"][i] if part["nuts3"][i] == pool["nuts3"][j] else ""
                    links.append({
                        "incident_id": int(part["id"][i]), "other_id": int(pool["id"][j]),
                        "score": round(min(total, 1.0), 3),
                        "reasons": _reasons(int(gap[i, j]), float(km[i, j]), region,
                                            part["family"][i] == pool["family"][j] != "",
                                            similarity),
                        "status": "pending", "created_at": now})
    if links:
        conn.execute(insert(duplicate_links), links)
    return len({link["incident_id"] for link in links})
