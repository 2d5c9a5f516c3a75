"""Dash callback request bodies built from an app's callback map, well-formed and broken.

:func:`well_formed` writes the body the browser would send for one server-side callback (a
plausible value for each input and state); :func:`broken_shapes` and :func:`wrong_values`
derive the malformed variants the fuzz test sends (``tests/security/test_callback_fuzz.py``).
Everything comes from ``app.callback_map``, so a new callback is covered without a change here.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator

#: Plausible values by property (anything else starts as None, as in a fresh page).
TYPICAL = {"n_clicks": 1, "n_intervals": 1, "pathname": "/", "search": "", "href": "",
           "min": 550, "max": 560, "disabled": True}
#: Values of every JSON type, some hostile: sent in place of each input and state.
WRONG_VALUES = (None, -1, 1.5, True, "", "x" * 100_000, [], [1, "x"], {}, {"a": 1},
                {"lat": "x", "lon": []}, json.loads("[" * 60 + "]" * 60))


def output_key_dependencies(callback: dict) -> list:
    """The ``outputs`` of a request for ``callback``: one per output (a list for patterns)."""
    if callback.get("no_output"):
        return []
    outputs = callback["output"] if isinstance(callback["output"], list) else \
        [callback["output"]]
    return [[] if isinstance(o.component_id, dict) else
            {"id": o.component_id, "property": o.component_property} for o in outputs]


def _dependency(declared: dict, values: dict, matches: dict) -> dict | list:
    component_id, prop = declared["id"], declared["property"]
    if component_id.startswith("{"):  # a pattern: the concrete ids the page would hold
        return [{"id": concrete, "property": prop, "value": TYPICAL.get(prop)}
                for concrete in matches.get(component_id, [])]
    value = values.get(component_id, TYPICAL.get(prop))
    return {"id": component_id, "property": prop, "value": value}


def _prop_id(dependency: dict) -> str:
    component_id = dependency["id"]
    if isinstance(component_id, dict):
        component_id = json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return f"{component_id}.{dependency['property']}"


def well_formed(key: str, callback: dict, values: dict | None = None,
                matches: dict | None = None) -> dict:
    """The body the page sends for the callback ``key`` of the callback map.

    Parameters
    ----------
    key, callback : str, dict
        An item of ``app.callback_map``.
    values : dict, optional
        Component id -> value (the CSRF token, the form's key...), beside :data:`TYPICAL`.
    matches : dict, optional
        Pattern id (as in the callback map) -> the concrete ids the page holds.
    """
    values, matches = values or {}, matches or {}
    inputs = [_dependency(d, values, matches) for d in callback["inputs"]]
    state = [_dependency(d, values, matches) for d in callback["state"]]
    outputs = output_key_dependencies(callback)
    first = inputs[0] if not isinstance(inputs[0], list) else (inputs[0] or [None])[0]
    return {"output": key,
            "outputs": outputs if isinstance(callback["output"], list) or not outputs
            else outputs[0],
            "inputs": inputs, "state": state,
            "changedPropIds": [_prop_id(first)] if first else []}


def broken_shapes(body: dict) -> Iterator[tuple[str, object]]:
    """(name, body) of bodies whose structure is wrong: keys missing, of the wrong type..."""
    for missing in ("output", "outputs", "inputs", "state"):
        if body.get(missing):
            yield f"no {missing}", {k: v for k, v in body.items() if k != missing}
    yield "unknown output", {**body, "output": "no-such-component.children"}
    yield "output not text", {**body, "output": ["x"]}
    for wrong in ("x", 1, None, {"a": 1}, [1], [[1]], [{"id": 1}], [{}], [[{"id": 1}]]):
        for key in ("inputs", "state", "outputs"):
            if body.get(key) != wrong:
                yield f"{key}={wrong!r}", {**body, key: wrong}
        yield f"changedPropIds={wrong!r}", {**body, "changedPropIds": wrong}
    yield "changed unknown", {**body, "changedPropIds": ["no-such.value"]}
    yield "changed pattern", {**body, "changedPropIds": ['{"draft":"x","type":"y"}.n_clicks']}
    if body["inputs"] and isinstance(body["inputs"][0], dict):
        renamed = copy.deepcopy(body)
        renamed["inputs"][0]["id"] = "someone-else"
        yield "input of another component", renamed
        other = copy.deepcopy(body)
        other["inputs"][0]["property"] = "children"
        yield "input of another property", other
    yield "an input too many", {**body, "inputs": [*body["inputs"], body["inputs"][0]]}


def wrong_values(body: dict) -> Iterator[tuple[str, dict]]:
    """(name, body) with one input or state value replaced by each of :data:`WRONG_VALUES`."""
    for where in ("inputs", "state"):
        for position, dependency in enumerate(body[where]):
            if isinstance(dependency, list) and not dependency:
                continue
            for value in WRONG_VALUES:
                changed = copy.deepcopy(body)
                target = changed[where][position]
                (target[0] if isinstance(target, list) else target)["value"] = value
                yield f"{where}[{position}]={str(value)[:16]!r}", changed


#: Raw bodies that are not a JSON object at all: (content type, bytes).
NOT_OBJECTS = (("text/plain", b"not json"), ("application/json", b"{"),
               ("application/json", b""), ("application/json", b"[]"),
               ("application/json", b'"x"'), ("application/json", b"null"),
               ("application/json", b"1e999999"), ("application/json", b"{}"),
               ("application/json", b"\xff\xfe"), ("application/x-www-form-urlencoded", b"a=1"),
               ("application/json", b"[" * 100_000 + b"]" * 100_000),
               ("application/json", b'{"output":' + b"[" * 5_000 + b"]" * 5_000 + b"}"))
