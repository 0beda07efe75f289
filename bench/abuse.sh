#!/usr/bin/env bash
# The load-and-abuse run, longer and on a release build: the real server on 127.0.0.1 under
# valid and malformed requests at a fixed concurrency for a fixed time. Prints the report
# (requests sent, status counts, 5xx other than 503, valid answers checked, peak RSS, health
# afterwards) and fails if any invariant breaks.
#
#   bash bench/abuse.sh                 # 60 s at concurrency 256
#   ABUSE_SECONDS=300 bash bench/abuse.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export ABUSE_SECONDS="${ABUSE_SECONDS:-60}"
export ABUSE_CONCURRENCY="${ABUSE_CONCURRENCY:-256}"
exec cargo test --release --locked --test abuse -- --nocapture
