#!/usr/bin/env bash
# Builds analytics-consumer and the benchmark, then runs the analytics-consumer benchmark
# (see docs/benchmarks.md, "Analytics consumer (issue 5)").
# Usage: bench/analytics.sh [--events=200000] [--authors=1000] [--poll-records=500,1000,5000] [--rates=1000,5000]
#                           [--steady-poll-records=1000] [--warmup=10] [--duration=30] [--naive=15]
#                           [--durability=durable|fast] [--idle-wait=180] [--analytics.<property>=<value>]
# e.g. --analytics.consumer.fetch.min.bytes=65536 is passed to the consumer as a system property.
# BENCH_SKIP_BUILD=1 reuses the last build, e.g. to compare consumer settings.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    ./mvnw -B -q -pl analytics-consumer,bench -am package -DskipTests
fi

rm -rf bench/target/analytics-consumer-app
cp -r analytics-consumer/target/quarkus-app bench/target/analytics-consumer-app

exec java -Doutbox.test.workdir="$root/bench/target" \
    -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/bench.classpath)" \
    dev.outbox.bench.analytics.AnalyticsBenchmark "$@"
