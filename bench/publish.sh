#!/usr/bin/env bash
# Builds blog-app and the benchmark, then runs the publish benchmark (see docs/benchmarks.md).
# Usage: bench/publish.sh [--quick] [--clients=16] [--warmup=10] [--duration=30] [--authors=50] [--pool-size=N]
#                         [--durability=durable|fast] [--profile]
# BENCH_SKIP_BUILD=1 reuses the last build, e.g. to compare concurrency levels.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    ./mvnw -B -q -pl blog-app,bench -am package -DskipTests
fi

exec java -Doutbox.test.workdir="$root/bench/target" \
    -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/bench.classpath)" \
    dev.outbox.bench.publish.PublishBenchmark "$@"
