#!/usr/bin/env bash
# Debian's Jupyter, for the notebooks' tests (notebooks/src/test/.../NotebooksTest.java).
#   jupyter.sh ensure   print Jupyter's path, installing the Debian packages with apt-get if
#                       `/usr/bin/jupyter nbconvert --version` fails
# The logic is notebooks/jupyter.sh's (also used by `./lakebatch notebook`).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case "${1:-}" in
  ensure) exec "$ROOT/notebooks/jupyter.sh" ensure ;;
  *) echo "jupyter.sh: usage: jupyter.sh ensure" >&2; exit 1 ;;
esac
