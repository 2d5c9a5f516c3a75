"""The filters a benchmark run times: drawn from a seeded RNG, and written as the page's URL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Scenario:
    """One filter of the run, as the URL carries it and as ``render`` applies it.

    Attributes
    ----------
    label : str
        The kind of filter (``"countries"``, ``"bias+types+dates"``, ``"default view"``...).
    flt : IncidentFilter
        The filter as the URL carries it (bias None = the dashboard's default).
    effective : IncidentFilter
        The same with the default bias scope applied, as ``render`` does.
    count : int
        Records it selects in the benchmark's snapshot (set by the in-process timing).
    extra : dict
        Free-form notes.
    """

    label: str
    flt: object  # IncidentFilter as the URL carries it (bias None = dashboard default)
    effective: object = None  # with the default bias scope applied, as render() does
    count: int = 0
    extra: dict = field(default_factory=dict)


def _month_range(rng: np.random.Generator) -> tuple[dt.date, dt.date]:
    start_index = int(rng.integers(0, 12 * 12 - 1))  # 2014-01 .. 2025-11
    length = int(rng.choice([1, 3, 6, 12, 24, 36, 60]))
    end_index = min(start_index + length - 1, 12 * 12 - 1)
    y0, m0 = divmod(start_index, 12)
    y1, m1 = divmod(end_index, 12)
    first = dt.date(2014 + y0, m0 + 1, 1)
    nxt = dt.date(2014 + y1 + (m1 == 11), (m1 + 1) % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def make_scenarios(n: int, seed: int, taxonomy) -> list[Scenario]:
    """``n`` realistic, different filters drawn deterministically from ``seed``.

    The kinds cycle through country subsets, bias codes (parent codes included), month
    ranges, type codes (parents included), indicators, combinations and the default view.

    Parameters
    ----------
    n : int
        Filters to draw.
    seed : int
        Seed of the RNG.
    taxonomy : Taxonomy
        The app's taxonomy, for the country and code lists.

    Returns
    -------
    list of Scenario
        ``n`` scenarios, no filter repeated except the default view, none equal to the one
        before it.
    """
    from data.filters import IncidentFilter
    from data.settings import Settings

    rng = np.random.default_rng(seed)
    countries = [c.iso2 for c in taxonomy.countries()]
    bias_codes = list(taxonomy.codes("bias"))
    type_codes = list(taxonomy.codes("type"))
    indicator_codes = list(taxonomy.codes("indicator"))
    bias_parents = [c for c in bias_codes if taxonomy.children(c)] or bias_codes[:1]
    type_parents = [c for c in type_codes if taxonomy.children(c)] or type_codes[:1]

    def pick(values: list[str], low: int, high: int) -> tuple[str, ...]:
        k = int(rng.integers(low, high + 1))
        return tuple(sorted(rng.choice(values, size=min(k, len(values)), replace=False)))

    def bias() -> tuple[str, ...]:
        chosen = set(pick(bias_codes, 1, 3))
        if rng.random() < 0.5:  # a parent code, which expands to its children
            chosen.add(str(rng.choice(bias_parents)))
        return tuple(sorted(chosen))

    def types() -> tuple[str, ...]:
        chosen = set(pick(type_codes, 1, 2))
        if rng.random() < 0.5:
            chosen.add(str(rng.choice(type_parents)))
        return tuple(sorted(chosen))

    kinds = ["countries", "bias", "dates", "types", "countries+dates", "bias+types+dates",
             "countries+bias", "all", "indicator+countries", "default view"]
    out: list[Scenario] = []
    seen: set = set()
    i = 0
    while len(out) < n:
        kind = kinds[i % len(kinds)]
        i += 1
        values: dict = {}
        if "countries" in kind or kind == "all":
            values["country"] = pick(countries, 1, 6)
        if "bias" in kind or kind == "all":
            values["bias"] = bias()
        if "types" in kind or kind == "all":
            values["type"] = types()
        if "dates" in kind or kind == "all":
            values["date_from"], values["date_to"] = _month_range(rng)
        if "indicator" in kind:
            values["indicator"] = pick(indicator_codes, 1, 2)
        flt = IncidentFilter(**values)
        if flt in seen and kind != "default view":
            continue
        if out and flt == out[-1].flt:
            continue
        seen.add(flt)
        out.append(Scenario(kind, flt, flt.with_default_bias(Settings().default_bias_scope)))
    return out


def search_of(flt) -> str:
    """The URL search string the dashboard writes for ``flt``.

    Parameters
    ----------
    flt : IncidentFilter
        The filter.

    Returns
    -------
    str
        What ``dashboard.url_state.ViewState(flt).to_search()`` gives.
    """
    from dashboard.url_state import ViewState

    return ViewState(flt).to_search()
