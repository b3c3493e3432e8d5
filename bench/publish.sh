#!/usr/bin/env bash
# Builds blog-app, synchronous-blog-app and the benchmark, then runs the publish benchmark (see docs/benchmarks.md).
# Usage: bench/publish.sh [--quick] [--clients=16] [--warmup=10] [--duration=30] [--authors=50] [--pool-size=N]
#                         [--durability=durable|fast] [--profile]
# BENCH_SKIP_BUILD=1 reuses the last build, e.g. to compare concurrency levels.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

build blog-app,bench/synchronous-blog-app

run_benchmark dev.outbox.bench.publish.PublishBenchmark "$@"
