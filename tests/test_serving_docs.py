"""The production gunicorn command is the same everywhere it is documented and benchmarked."""

from __future__ import annotations

import importlib.util
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = (ROOT / "README.md", ROOT / "docs" / "operations.md", ROOT / "docs" / "export.md")


def _commands(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip().startswith("gunicorn ")]


def _bench():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        spec = importlib.util.spec_from_file_location(
            "bench_export_http", ROOT / "benchmarks" / "bench_export_http.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


def test_every_document_gives_the_same_threaded_gunicorn_command():
    found = {path.name: _commands(path) for path in DOCS}
    assert all(len(commands) == 1 for commands in found.values()), found
    commands = {commands[0] for commands in found.values()}
    assert len(commands) == 1, found
    args = shlex.split(commands.pop())
    assert args[args.index("--worker-class") + 1] == "gthread"
    assert int(args[args.index("--threads") + 1]) > 1
    assert int(args[args.index("--timeout") + 1]) >= 120
    assert args[-1] == "app:server"
    for path in DOCS:
        assert "--timeout 120" not in path.read_text(encoding="utf-8"), path


def test_the_http_benchmark_runs_the_documented_command():
    bench = _bench()
    documented = bench.documented_command()
    assert documented == shlex.split(_commands(ROOT / "docs" / "operations.md")[0])
    local = bench.local_command(documented, 5123)
    assert local[0].endswith("gunicorn") and local[-1] == "app:server"
    assert local[local.index("--bind") + 1] == "127.0.0.1:5123"
    assert local.count("--bind") == 1
    assert [a for a in local[1:] if a not in ("--bind", "127.0.0.1:5123")] == \
        [a for a in documented[1:] if a not in ("--bind", "127.0.0.1:8050")]
