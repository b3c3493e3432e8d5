# Sourced by publish.sh, relay.sh, analytics.sh, search.sh and pipeline.sh: moves to the repository root, which the
# benchmarks run from.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Packages the module under test and the benchmark; BENCH_SKIP_BUILD=1 reuses the last build.
build() {
    if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
        ./mvnw -B -q -pl "$1",bench -am package -DskipTests
    fi
}

# Packages the Quarkus app $1 and the benchmark, and copies the app to bench/target/$1-app, which the benchmark runs,
# so a rebuild of the module during a run cannot change it.
build_app_copy() {
    build "$1"
    rm -rf "bench/target/$1-app"
    cp -r "$1/target/quarkus-app" "bench/target/$1-app"
}

# Replaces the shell with the benchmark's main class $1, given the remaining arguments.
run_benchmark() {
    local main="$1"
    shift
    exec java -Doutbox.test.workdir="$root/bench/target" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
        -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/bench.classpath)" \
        "$main" "$@"
}
