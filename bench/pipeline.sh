#!/usr/bin/env bash
# Builds the four services, local-pipeline and the benchmark, then runs the end-to-end pipeline benchmark
# (see docs/benchmarks.md, "End-to-end pipeline (issue 8)").
# Usage: bench/pipeline.sh [--rates=200,1000,max] [--closed-loop-warmup=30] [--warmup=10] [--duration=30]
#                          [--clients=32] [--max-clients=16] [--authors=50] [--catch-up-events=200000]
#                          [--catch-up-clients=16] [--probe-poll-ms=5] [--idle-wait=180]
#                          [--search=lucene|opensearch|lucene,opensearch] [--quick]
# --search lists the search backends, one pipeline each, one after the other, compared in the report; opensearch runs
# an embedded node and two search-indexer members, as ./run-local --search=opensearch does.
# --quick is a smoke run of a few minutes (rates 50,200, 2 s + 5 s each, 5,000 catch-up events).
# BENCH_SKIP_BUILD=1 reuses the last build.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

# LocalPipeline runs each service's <module>/target/quarkus-app, so nothing may rebuild them during a run.
build blog-app,cdc-relay,analytics-consumer,search-indexer,local-pipeline

run_benchmark dev.outbox.bench.pipeline.PipelineBenchmark "$@"
