#!/usr/bin/env bash
# Builds search-indexer and the benchmark, then runs the search-indexer benchmark
# (see docs/benchmarks.md, "Search indexer").
# Usage: bench/search.sh [--events=100000] [--authors=1000] [--updates=0] [--deletes=0]
#                        [--backends=lucene,opensearch] [--opensearch-members=1,2] [--poll-records=1000]
#                        [--clients=1,4] [--warmup=10] [--duration=30] [--idle-wait=180] [--profile] [--quick]
#                        [--search.<property>=<value>]
# --updates and --deletes are percentages of the events; --quick is a smoke run of a few minutes.
# --profile records JFR (settings=profile) in every indexer: bench/target/search-drain-<drain>-<member>.jfr.
# With opensearch the benchmark starts one OpenSearch node for the run; each drain gets an alias and a group of its own,
# shared by its --opensearch-members indexers.
# e.g. --search.consumer.fetch.min.bytes=65536 is passed to the indexer as a system property.
# BENCH_SKIP_BUILD=1 reuses the last build, e.g. to compare indexer settings.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

build_app_copy search-indexer

run_benchmark dev.outbox.bench.search.SearchBenchmark "$@"
