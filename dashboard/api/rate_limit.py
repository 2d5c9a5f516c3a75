"""The public API's rate limit: requests per client and minute, shared by the workers.

Each client (its address, after the trusted proxies: ``INCIDENTMAP_PROXIES``) may make
``INCIDENTMAP_API_RATE_LIMIT`` requests a minute to ``/api/v1/``; a request carrying a
personal API token counts for the token instead, with its own limit
(``INCIDENTMAP_API_TOKEN_RATE_LIMIT``), so a researcher's script is not throttled by the
visitors sharing its address. Past the limit the answer is 429 with ``Retry-After`` until the
minute ends. Every answer says where the client stands
(``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset``). The counts are kept by
:class:`data.store.rate_limits.RateLimiter` in the instance folder.
"""

from __future__ import annotations

import functools
from pathlib import Path

import flask

from dashboard.auth.bearer import request_token
from dashboard.context import current
from data.store.rate_limits import Decision, RateLimiter

#: The counter file, in the instance folder.
COUNTERS = "rate_limits.sqlite"
DECISION_KEY = "incidentmap.rate_limit"


@functools.cache
def _limiter(instance_dir: Path) -> RateLimiter:
    return RateLimiter(Path(instance_dir) / COUNTERS)


def client(settings) -> tuple[str, int]:
    """Who a request is counted for, and its limit: its API token, else its address."""
    token = request_token()  # checked before this runs (dashboard.auth.bearer)
    if token is not None:
        return f"token:{token.id}", settings.api_token_rate_limit
    return f"address:{flask.request.remote_addr or 'unknown'}", settings.api_rate_limit


def _headers(response: flask.Response, decision: Decision) -> None:
    response.headers["RateLimit-Limit"] = str(decision.limit)
    response.headers["RateLimit-Remaining"] = str(decision.remaining)
    response.headers["RateLimit-Reset"] = str(decision.retry_after)


def _count() -> flask.Response | None:
    settings = current().settings
    key, limit = client(settings)
    if limit <= 0:
        return None
    decision = _limiter(settings.instance_dir).hit(key, limit)
    flask.request.environ[DECISION_KEY] = decision
    if decision.allowed:
        return None
    response = flask.jsonify(error={
        "message": f"more than {decision.limit} requests a minute from this client; retry "
                   f"in {decision.retry_after} s (scripts: pace your requests, or ask the "
                   "operators for a higher limit)"})
    response.status_code = 429
    response.headers["Retry-After"] = str(decision.retry_after)
    return response


def _tell(response: flask.Response) -> flask.Response:
    decision = flask.request.environ.get(DECISION_KEY)
    if decision is not None:
        _headers(response, decision)
    return response


def register(blueprint: flask.Blueprint) -> None:
    """Count every request to ``blueprint`` (register before anything that does work)."""
    blueprint.before_request(_count)
    blueprint.after_request(_tell)
