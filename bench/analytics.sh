#!/usr/bin/env bash
# Builds analytics-consumer and the benchmark, then runs the analytics-consumer benchmark
# (see docs/benchmarks.md, "Analytics consumer (issue 5)").
# Usage: bench/analytics.sh [--events=200000] [--authors=1000] [--poll-records=500,1000,5000] [--rates=1000,5000]
#                           [--steady-poll-records=1000] [--warmup=10] [--duration=30] [--naive=15]
#                           [--durability=durable|fast] [--idle-wait=180] [--analytics.<property>=<value>]
# e.g. --analytics.consumer.fetch.min.bytes=65536 is passed to the consumer as a system property.
# BENCH_SKIP_BUILD=1 reuses the last build, e.g. to compare consumer settings.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

build_app_copy analytics-consumer

run_benchmark dev.outbox.bench.analytics.AnalyticsBenchmark "$@"
