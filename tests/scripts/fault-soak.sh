#!/usr/bin/env bash
# A longer fault-injection run than CI's: the driver is SIGKILLed at KILLS seeded points (default 50).
# Usage: tests/scripts/fault-soak.sh [KILLS] [SEED]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export SPARK_LOCAL_IP=127.0.0.1
exec mvn -B -ntp verify -pl tests -am -Dtest='io.lakebatch.tests.faults.*Test' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dlakebatch.faults.kills="${1:-50}" -Dlakebatch.faults.seed="${2:-7}"
