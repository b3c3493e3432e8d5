# Sourced by publish.sh, relay.sh and analytics.sh: moves to the repository root, which the benchmarks run from.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Packages the module under test and the benchmark; BENCH_SKIP_BUILD=1 reuses the last build.
build() {
    if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
        ./mvnw -B -q -pl "$1",bench -am package -DskipTests
    fi
}

# Replaces the shell with the benchmark's main class $1, given the remaining arguments.
run_benchmark() {
    local main="$1"
    shift
    exec java -Doutbox.test.workdir="$root/bench/target" \
        -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/bench.classpath)" \
        "$main" "$@"
}
