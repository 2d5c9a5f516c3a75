"""Dash callback requests checked against the app's callback map before any callback runs.

Dash answers ``POST /_dash-update-component`` by looking the body's ``output`` up in
``app.callback_map`` and calling the function with the ``value`` of each input and state. It
trusts the body: a missing key, an unknown output, a list where a dict belongs or a number
where a callback expects text fails inside Dash or inside the callback, as a 500. This module
refuses such bodies with a 400 before dispatch (:func:`register`), in two steps:

1. **Shape** (:func:`check_shape`): the body is JSON (of bounded nesting) and an object; its
   ``output`` names a server-side callback of the app; ``inputs``, ``state`` and ``outputs``
   list exactly that callback's dependencies (same ids and properties; a pattern-matching
   dependency as a list of ids the pattern matches), and every ``changedPropIds`` entry
   names one of the inputs sent. All of it is read from the callback map at request time, so a
   callback added later is checked the same way.
2. **Values** (:func:`check_values`): each input and state value must fit the annotation of
   the callback's parameter that receives it (``str | None``, ``int``, ``list[str]``,
   ``dict``...; ``bool`` is not taken for a number). An unannotated parameter takes any JSON
   value; its callback checks what it reads itself (see ``tests/security/test_callback_fuzz.py``,
   which sends every callback values of every JSON type).

A callback whose rule for a value needs more than an annotation (the report form's inputs
are text or lists by the kind of each field) raises :class:`BadCallback` itself, before it
uses the value: it is answered with the same 400.

How the caller's bad input is told from our bugs: only :class:`BadCallback` answers 400. The
two checks raise it from nothing but the request compared with what the app declares (the
callback map, the callbacks' annotations), and a callback raises it only on purpose, naming
the value it refuses. No other exception is caught or converted: once a body has passed the
checks, a ``TypeError``, ``KeyError`` or any other exception from Dash or a callback is a bug
of ours and stays a 500 with its traceback in the log (``tests/security/test_callback_fuzz.py``
plants one). A callback that finds a well-typed value unusable (a malformed date, an
unknown code) says so in its output or raises ``PreventUpdate`` (204).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import types
import typing
from collections.abc import Callable, Mapping

import dash
import flask
from dash.dependencies import Wildcard

CALLBACK_PATH = "_dash-update-component"
#: Deepest nesting of lists and objects a callback body may have (a figure is about 8 deep).
MAX_DEPTH = 40
#: Dependencies whose id is a pattern (``{"type": ..., "field": ALL}``) are keyed by its JSON.
_PATTERN_START = "{"


class BadCallback(ValueError):
    """A Dash callback body the app cannot take; the message says what is wrong."""


def _depth_within(value: object, limit: int) -> bool:
    """True when lists and objects in ``value`` nest at most ``limit`` deep (no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return False
        stack.extend((child, depth + 1) for child in children)
    return True


def parse(request: flask.Request) -> dict:
    """The JSON object of a callback request's body.

    Raises
    ------
    BadCallback
        Not JSON, nested deeper than :data:`MAX_DEPTH`, or not an object.
    """
    if not request.is_json:
        raise BadCallback("a Dash callback body must be JSON (Content-Type: application/json)")
    try:  # json.loads recurses per level: very deep nesting raises RecursionError
        body = json.loads(request.get_data(cache=True))
    except RecursionError:
        raise BadCallback(f"the body nests lists or objects deeper than {MAX_DEPTH}") from None
    except ValueError as exc:
        raise BadCallback(f"the body is not valid JSON ({exc})") from None
    if not _depth_within(body, MAX_DEPTH):
        raise BadCallback(f"the body nests lists or objects deeper than {MAX_DEPTH}")
    if not isinstance(body, dict):
        raise BadCallback("the body must be a JSON object with output, inputs and state")
    return body


def _id_text(component_id: object) -> str:
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return str(component_id)


def _matches(pattern: Mapping, component_id: object) -> bool:
    """True when the concrete ``component_id`` fits the pattern-matching id ``pattern``."""
    if not isinstance(component_id, dict) or set(component_id) != set(pattern):
        return False
    for key, wanted in pattern.items():
        value = component_id[key]
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            return False
        if not isinstance(wanted, list) and value != wanted:  # [ALL] etc. match any value
            return False
    return True


def _check_item(item: object, component_id: object, prop: str, where: str) -> None:
    if not isinstance(item, dict):
        raise BadCallback(f"{where} must be an object with id and property")
    sent = item.get("property")
    if not isinstance(sent, str) or sent.split("@")[0] != prop:  # output@hash: a duplicate
        raise BadCallback(f"{where} must be property {prop!r} of {_id_text(component_id)}")
    if isinstance(component_id, dict):
        if not _matches(component_id, item.get("id")):
            raise BadCallback(f"{where}: id {item.get('id')!r} does not fit the pattern "
                              f"{_id_text(component_id)}")
    elif item.get("id") != component_id:
        raise BadCallback(f"{where} must be {component_id}.{prop}")


def _check_dependency(sent: object, component_id: object, prop: str, where: str) -> None:
    """Check one sent dependency (a dict, or a list of dicts for a pattern id)."""
    if isinstance(component_id, dict):
        if not isinstance(sent, list):
            raise BadCallback(f"{where} must be a list (its id is a pattern)")
        for position, item in enumerate(sent):
            _check_item(item, component_id, prop, f"{where}[{position}]")
        return
    _check_item(sent, component_id, prop, where)


def _declared(dependencies: list[dict]) -> list[tuple[object, str]]:
    out = []
    for dependency in dependencies:
        component_id = dependency["id"]
        if isinstance(component_id, str) and component_id.startswith(_PATTERN_START):
            component_id = json.loads(component_id)
        out.append((component_id, dependency["property"]))
    return out


def _check_list(body: dict, key: str, declared: list[tuple[object, str]]) -> None:
    sent = body.get(key, [] if not declared else None)
    if not isinstance(sent, list) or len(sent) != len(declared):
        raise BadCallback(f"{key} must be a list of {len(declared)} dependencies: "
                          + ", ".join(f"{_id_text(i)}.{p}" for i, p in declared))
    for position, (item, (component_id, prop)) in enumerate(zip(sent, declared, strict=True)):
        _check_dependency(item, component_id, prop, f"{key}[{position}]")


def _check_outputs(body: dict, callback: dict) -> None:
    declared = callback["output"]
    if callback.get("no_output"):
        if body.get("outputs", []) not in ([], None):
            raise BadCallback("this callback has no outputs")
        return
    many = isinstance(declared, list)
    wanted = [(o.component_id, o.component_property) for o in (declared if many else
                                                               [declared])]
    sent = body.get("outputs")
    if not many:
        sent = [sent]
    if not isinstance(sent, list) or len(sent) != len(wanted):
        raise BadCallback(f"outputs must list the callback's {len(wanted)} outputs")
    for position, (item, (component_id, prop)) in enumerate(zip(sent, wanted, strict=True)):
        _check_dependency(item, _plain(component_id), prop, f"outputs[{position}]")


def _plain(component_id: object) -> object:
    """A dependency id as the body spells it (wildcards as ``["ALL"]``)."""
    if isinstance(component_id, dict):
        return {key: [str(value)] if isinstance(value, Wildcard) else value
                for key, value in component_id.items()}
    return component_id


def _check_changed(body: dict) -> None:
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list):
        raise BadCallback("changedPropIds must be a list of the inputs that changed")
    sent = set()
    for item in body["inputs"]:
        for one in item if isinstance(item, list) else [item]:
            sent.add(f"{_id_text(one['id'])}.{one['property']}")
    for prop_id in changed:
        if not isinstance(prop_id, str):
            raise BadCallback("changedPropIds must hold strings such as 'component.property'")
        component, dot, prop = prop_id.rpartition(".")
        if dot and component.startswith(_PATTERN_START):
            with contextlib.suppress(ValueError, RecursionError):
                component = _id_text(json.loads(component))
        if f"{component}.{prop}" not in sent:
            raise BadCallback(f"changedPropIds names {prop_id[:80]!r}, which is not among the "
                              "callback's inputs")


def check_shape(body: dict, callback_map: Mapping[str, dict]) -> dict:
    """The callback ``body`` asks for, once its keys fit that callback (step 1 above).

    Parameters
    ----------
    body : dict
        The parsed request body (:func:`parse`).
    callback_map : mapping
        ``app.callback_map``.

    Returns
    -------
    dict
        The callback's entry of ``callback_map``.

    Raises
    ------
    BadCallback
        The first thing in ``body`` that does not fit.
    """
    output = body.get("output")
    if not isinstance(output, str):
        raise BadCallback("output must name the callback's outputs (a string)")
    callback = callback_map.get(output)
    if callback is None:
        raise BadCallback(f"no callback has the output {output[:120]!r}")
    if "callback" not in callback:
        raise BadCallback(f"the output {output[:120]!r} is computed in the browser, not here")
    _check_list(body, "inputs", _declared(callback["inputs"]))
    _check_list(body, "state", _declared(callback.get("state", [])))
    _check_outputs(body, callback)
    _check_changed(body)
    return callback


def fits(value: object, hint: object) -> bool:
    """True when the JSON ``value`` fits the annotation ``hint``.

    Understands ``None``, ``str``, ``int`` (not ``bool``), ``float`` (also a whole number),
    ``bool``, ``list[...]``, ``dict[..., ...]``, ``Literal[...]``, ``TypedDict`` classes,
    unions and ``Any``.

    Raises
    ------
    TypeError
        An annotation a request value can never fit (a bug of the callback's, not the
        caller's).
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is typing.Any or hint is object:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(fits(value, arg) for arg in args)
    if hint is None or hint is type(None):
        return value is None
    if origin is typing.Literal:
        return value in args
    if typing.is_typeddict(hint):
        fields = typing.get_type_hints(hint)
        return isinstance(value, dict) and set(value) <= set(fields) and \
            hint.__required_keys__ <= set(value) and \
            all(fits(v, fields[k]) for k, v in value.items())
    simple = {bool: lambda v: isinstance(v, bool), str: lambda v: isinstance(v, str),
              int: lambda v: isinstance(v, int) and not isinstance(v, bool),
              float: lambda v: isinstance(v, int | float) and not isinstance(v, bool)}
    if hint in simple:
        return simple[hint](value)
    if hint is list or origin is list:
        return isinstance(value, list) and all(fits(v, args[0]) for v in value if args)
    if hint is dict or origin is dict:
        return isinstance(value, dict) and (not args or all(
            fits(k, args[0]) and fits(v, args[1]) for k, v in value.items()))
    raise TypeError(f"the annotation {hint!r} does not describe a callback value")


@functools.cache
def _parameters(function: Callable) -> list[tuple[str, object, bool]]:
    """(name, annotation, is ``*args``) of ``function``'s parameters (``Any`` when none)."""
    hints = typing.get_type_hints(function)
    return [(p.name, hints.get(p.name, typing.Any), p.kind is p.VAR_POSITIONAL)
            for p in inspect.signature(function).parameters.values()
            if p.kind is not p.VAR_KEYWORD]


def _values(body: dict) -> list:
    """The arguments Dash passes: each dependency's value (a list for a pattern id)."""
    return [[one.get("value") for one in item] if isinstance(item, list) else item.get("value")
            for item in (*body["inputs"], *body.get("state", []))]


def _grouped(indices: object, values: list) -> object:
    """The values as Dash groups them for a callback declared with dicts or lists."""
    if isinstance(indices, dict):
        return {key: _grouped(index, values) for key, index in indices.items()}
    if isinstance(indices, list | tuple):
        return [_grouped(index, values) for index in indices]
    return values[indices]


def _refuse(name: str, hint: object, value: object) -> typing.NoReturn:
    shown = getattr(hint, "__name__", None) or str(hint).replace("typing.", "")
    raise BadCallback(f"{name} must be {shown}, not {type(value).__name__}")


def check_values(body: dict, callback: dict) -> None:
    """Refuse values that do not fit the callback's parameter annotations (step 2 above).

    Raises
    ------
    BadCallback
        Names the parameter and what it takes.
    """
    parameters = _parameters(inspect.unwrap(callback["callback"]))
    values, indices = _values(body), callback.get("inputs_state_indices")
    if isinstance(indices, dict):  # called with keyword arguments, one per key
        hints = {name: hint for name, hint, _variadic in parameters}
        for name, value in _grouped(indices, values).items():
            if not fits(value, hints.get(name, typing.Any)):
                _refuse(name, hints[name], value)
        return
    position = 0
    for name, hint, variadic in parameters:
        taken = values[position:] if variadic else values[position:position + 1]
        for value in taken:
            if not fits(value, hint):
                _refuse(name, hint, value)
        position += len(taken)


def refusal(message: str) -> flask.Response:
    """The 400 answer to a body refused here: JSON ``{"error": {"code", "message"}}``."""
    return flask.make_response({"error": {"code": "bad_callback", "message": message}}, 400)


def register(app: dash.Dash) -> None:
    """Check every callback request of ``app`` (shape and values) before any other hook.

    A callback that finds a value it cannot use after these checks (a value whose type
    depends on another input, say) raises :class:`BadCallback` itself: it is answered with
    the same 400.
    """
    app.server.register_error_handler(BadCallback, lambda exc: refusal(str(exc)))
    def _checked_callback():
        request = flask.request
        if request.method != "POST" or not request.path.endswith(CALLBACK_PATH):
            return None
        try:
            body = parse(request)
            check_values(body, check_shape(body, app.callback_map))
        except BadCallback as exc:
            return refusal(str(exc))
        return None

    app.server.before_request_funcs.setdefault(None, []).insert(0, _checked_callback)
