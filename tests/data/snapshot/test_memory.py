"""The allocator policy: snapshot arrays in their own mappings only while a snapshot is made."""

from __future__ import annotations

import threading

import data.snapshot.memory as memory


def test_snapshot_arrays_switch_the_threshold_once_for_nested_and_concurrent_uses(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "_threshold", calls.append)
    entered, release = threading.Event(), threading.Event()

    def other():
        with memory.snapshot_arrays():
            entered.set()
            release.wait(10)

    worker = threading.Thread(target=other)
    worker.start()
    entered.wait(10)
    with memory.snapshot_arrays(), memory.snapshot_arrays():
        pass
    assert calls == [memory.SNAPSHOT_MMAP_BYTES]  # still making the other one
    release.set()
    worker.join(10)
    assert calls == [memory.SNAPSHOT_MMAP_BYTES, memory.REQUEST_MMAP_BYTES]


def test_the_policy_calls_are_harmless_here():
    memory.tune_for_requests()
    with memory.snapshot_arrays():
        memory.release_memory()
