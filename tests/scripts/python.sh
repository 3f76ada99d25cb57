#!/usr/bin/env bash
# Debian's Python with pytest, for the Python client's tests (submit/python/tests).
#   python.sh ensure   print the interpreter's path, installing python3-pytest with apt-get if
#                      `/usr/bin/python3 -m pytest` does not run
#   python.sh test     ensure, then run the client's tests (they skip without a server: the Java
#                      harness PythonClientTest starts one and runs them)
set -euo pipefail

PYTHON=/usr/bin/python3
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

die() { echo "python.sh: $*" >&2; exit 1; }

has_pytest() { [[ -x $PYTHON ]] && "$PYTHON" -m pytest --version >/dev/null 2>&1; }

ensure() {
  local sudo=()
  if ! has_pytest; then
    command -v apt-get >/dev/null || die "$PYTHON -m pytest does not run and there is no apt-get to install python3-pytest"
    if [[ $EUID -ne 0 ]]; then
      command -v sudo >/dev/null || die "$PYTHON -m pytest does not run; install package python3-pytest (needs root)"
      sudo=(sudo -n)
    fi
    echo "python.sh: installing python3-pytest with apt-get" >&2
    { "${sudo[@]}" apt-get update -q && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3 python3-pytest; } >&2 \
      || die "apt-get install python3-pytest failed"
    has_pytest || die "python3-pytest installed but '$PYTHON -m pytest' still does not run"
  fi
  echo "$PYTHON"
}

case "${1:-}" in
  ensure) ensure ;;
  test) ensure >/dev/null; cd "$ROOT" && exec "$PYTHON" -m pytest -q submit/python/tests ;;
  *) die "usage: python.sh ensure | test" ;;
esac
