#!/usr/bin/env bash
# Install everything the test suite needs, then run the whole suite.
#   bash tests/run.sh [pytest arguments]
# Debian packages (chromium, chromium-driver, PostGIS, nginx for `nginx -t` of the deploy
# example) are installed when missing and this runs as root; otherwise it says which are
# missing and the tests that need them skip (or fail, when CI=true).
# Without pytest arguments (the whole suite, as CI runs it) it first installs the package
# with the lowest versions its dependencies allow (tests/packaging/lowest-constraints.txt)
# into .venv-lowest and smoke-tests it (tests/packaging/lowest_smoke.py).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || missing+=(python3-venv)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ -d /usr/lib/postgresql/15 ] && ! ls /usr/share/postgresql/15/extension/postgis.control \
    >/dev/null 2>&1; then
  missing+=(postgresql-15-postgis-3)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  else
    echo "missing Debian packages: ${missing[*]}" >&2
    echo "install them with: sudo apt-get install ${missing[*]}" >&2
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
.venv/bin/ruff check .

if [ $# -eq 0 ]; then
  # The floors of pyproject.toml, each pinned: does the app still run on them?
  python3 -m venv .venv-lowest
  .venv-lowest/bin/python -m pip install -q --disable-pip-version-check \
    -c tests/packaging/lowest-constraints.txt .
  smoke="$(mktemp -d)"
  (cd "$smoke" && "$OLDPWD/.venv-lowest/bin/python" "$OLDPWD/tests/packaging/lowest_smoke.py")
  rm -rf "$smoke"
fi

exec .venv/bin/python -m pytest "$@"
