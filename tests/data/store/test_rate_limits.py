"""The shared request counters: windows, limits, and exact counts across processes."""

from __future__ import annotations

import multiprocessing

from data.store.rate_limits import RateLimiter


def test_a_client_is_refused_past_the_limit_until_the_window_ends(tmp_path):
    limiter = RateLimiter(tmp_path / "counters.sqlite", window_s=60)
    start = 1_800_000_000.0  # a window's first second
    answers = [limiter.hit("address:192.0.2.1", 3, now=start + i) for i in range(4)]
    assert [a.allowed for a in answers] == [True, True, True, False]
    assert [a.remaining for a in answers] == [2, 1, 0, 0]
    assert answers[-1].retry_after == 57
    assert limiter.hit("address:192.0.2.2", 3, now=start + 4).allowed  # another client
    assert limiter.hit("address:192.0.2.1", 3, now=start + 60).allowed  # the next window
    assert (tmp_path / "counters.sqlite").stat().st_mode & 0o777 == 0o600


def test_no_limit_counts_nothing(tmp_path):
    limiter = RateLimiter(tmp_path / "counters.sqlite")
    assert all(limiter.hit("k", 0).allowed for _ in range(50))
    assert not (tmp_path / "counters.sqlite").exists()


def _hits(path, key: str, limit: int, count: int, now: float, out) -> None:
    limiter = RateLimiter(path)
    out.put(sum(limiter.hit(key, limit, now=now).allowed for _ in range(count)))


def test_processes_sharing_the_file_allow_exactly_the_limit(tmp_path):
    path, now = tmp_path / "counters.sqlite", 1_800_000_010.0
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    workers = [context.Process(target=_hits, args=(path, "address:198.51.100.7", 30, 25, now,
                                                   out)) for _ in range(4)]
    for worker in workers:
        worker.start()
    allowed = sum(out.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    assert allowed == 30  # 100 tries by four processes at once: the limit, not four times it


def test_an_unusable_counter_file_lets_requests_through(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    limiter = RateLimiter(blocked / "counters.sqlite")
    answer = limiter.hit("k", 1)
    assert answer.allowed and limiter.hit("k", 1).allowed
