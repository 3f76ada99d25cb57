#!/usr/bin/env bash
# The whole LakeBatch test suite: unit tests of every module, then the end-to-end, crash/resume and
# benchmark-smoke suites in tests/. Everything a test needs (local Spark, Delta, ONNX Runtime, models
# and data) is created by the tests themselves; nothing is downloaded beyond Maven Central.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export SPARK_LOCAL_IP=127.0.0.1
exec mvn -B -ntp verify "$@"
