#!/usr/bin/env bash
# Builds cdc-relay and the benchmark, then runs the relay benchmark (see docs/benchmarks.md, "Relay (issue 4)").
# Usage: bench/relay.sh [--rates=500,2000] [--warmup=10] [--duration=30] [--writers=8] [--backlog=100000]
#                       [--backlog-writers=4] [--durability=durable|fast] [--idle-wait=180] [--tracing=none|off|on]
#                       [--profile]   (JFR into bench/target/: relay-steady.jfr, its warm drain included, and relay-drain.jfr)
#                       [--relay.<property>=<value>]
# e.g. --relay.debezium.max.batch.size=512 --relay.producer.linger.ms=0 are passed to the relay as system properties.
# BENCH_SKIP_BUILD=1 reuses the last build, e.g. to compare relay settings.
set -euo pipefail

source "$(dirname "$0")/lib.sh"

build cdc-relay

run_benchmark dev.outbox.bench.relay.RelayBenchmark "$@"
