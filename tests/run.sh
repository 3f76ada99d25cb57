#!/usr/bin/env bash
# The whole LakeBatch test suite: unit tests of every module (the catalog's against the embedded
# database and a real PostgreSQL), then the end-to-end, crash/resume, PostgreSQL and benchmark-smoke
# suites in tests/. Everything a test needs (local Spark, Delta, ONNX Runtime, models and data, a
# throwaway PostgreSQL server on loopback, a job server for the Python client's pytest suite, Jupyter
# kernels for the notebooks) is created by the tests themselves; nothing is downloaded beyond Maven
# Central and Debian packages (PostgreSQL, python3-pytest and Jupyter, only if the machine lacks them).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export SPARK_LOCAL_IP=127.0.0.1
./tests/scripts/postgres.sh ensure >/dev/null
./tests/scripts/python.sh ensure >/dev/null
./tests/scripts/jupyter.sh ensure >/dev/null
exec mvn -B -ntp verify "$@"
