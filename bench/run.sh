#!/usr/bin/env bash
# Reproduces every figure of docs/benchmarks.md in one run, in under 10 minutes on 2 cores:
#   1. handshakes/s on fresh connections, ours and the ceiling in the same process, alternating,
#      then a paced run at half our peak for the latency figure; 1b. the same with the server's
#      close-linger at 50 ms, to show what keeping finished connections reachable for 2 s costs;
#   1c. handshakes through the HTTP gateway (open with VER, send CVR+USR, poll until Session=close);
#   2. idle connections after VER: heap per connection and its drift while held;
#   3. time from process start to the first complete handshake (plain JVM, then with an AppCDS archive);
#   4. JMH: line parsing, policy decision (10 / 1,000 rules), reply encoding, whole handshake in-process,
#      with allocation per operation (-prof gc).
# Everything printed is also written to $OUT/run.log. Knobs (environment):
#   IDLE   idle connections to hold (default: 100000, or what the open-file limit allows)
#   HOLD   seconds to hold them (default 180)
#   SECONDS_PER_RUN, ROUNDS, WARMUP, CONCURRENCY   for the load runs (default 8, 3, 4, 64)
#   JMH_ARGS   extra JMH options (default: the iteration counts in the benchmark classes)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out}
mkdir -p "$OUT"
exec > >(tee "$OUT/run.log") 2>&1

SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-4}
CONCURRENCY=${CONCURRENCY:-64}
HOLD=${HOLD:-180}
JMH_ARGS=${JMH_ARGS:-}

# Each open connection is a file descriptor: the server holds IDLE of them, the client process as many.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
limit=$(ulimit -n)
if [ -z "${IDLE:-}" ]; then
  IDLE=100000
  if [ "$limit" != unlimited ] && [ "$limit" -lt $((IDLE + 1000)) ]; then
    IDLE=$(( (limit - 1000) / 1000 * 1000 ))
    echo "note: open-file limit is $limit per process (hard limit; raising it needs CAP_SYS_RESOURCE), so the idle test holds $IDLE connections, not 100000"
  fi
fi

start=$(date +%s)
echo "== machine"
echo "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
uname -srm
java -version 2>&1 | head -n 1
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "busiest processes:"; ps -eo pcpu,comm --sort=-pcpu | sed -n '2,6p'

echo; echo "== build"
mvn -B -ntp -q package -DskipTests
JAR=target/msnp-dispatch.jar
bench() { java -jar "$JAR" bench "$@"; }

echo; echo "== 1. handshakes per second on fresh connections: ours vs the ceiling, then paced at half our peak"
echo "\$ msnp-dispatch bench --self --ceiling -c $CONCURRENCY -d $SECONDS_PER_RUN --first-warmup 10 --warmup $WARMUP --rounds $ROUNDS --rate-fraction 0.5"
bench --self --ceiling -c "$CONCURRENCY" -d "$SECONDS_PER_RUN" --first-warmup 10 --warmup "$WARMUP" --rounds "$ROUNDS" --rate-fraction 0.5

echo; echo "== 1b. experiment: the same server with limits.close-linger 50ms instead of 2s (same rate as the paced run above)"
sleep 1
rate=$(sed -n 's/^paced: \([0-9]*\) handshakes.*/\1/p' "$OUT/run.log" | tail -n 1)
echo "\$ msnp-dispatch bench --self -c $CONCURRENCY -d $SECONDS_PER_RUN --first-warmup 10 --warmup 2 --close-linger 50ms --rate ${rate:-4000}"
bench --self -c "$CONCURRENCY" -d "$SECONDS_PER_RUN" --first-warmup 10 --warmup 2 --close-linger 50ms --rate "${rate:-4000}"

echo; echo "== 1c. the HTTP gateway: open (VER), send (CVR, USR), poll until Session=close, 16 clients"
echo "\$ msnp-dispatch bench --self --gateway -c 16 -d $SECONDS_PER_RUN --first-warmup 5"
bench --self --gateway -c 16 -d "$SECONDS_PER_RUN" --first-warmup 5

echo; echo "== 2. idle connections after VER"
echo "\$ msnp-dispatch bench --self --idle $IDLE --hold $HOLD --sample 30 --sources 32"
bench --self --idle "$IDLE" --hold "$HOLD" --sample 30 --sources 32

echo; echo "== 3. first complete handshake after the process starts"
echo "\$ msnp-dispatch bench --startup --startup-runs 5"
bench --startup --startup-runs 5
CDS="$OUT/msnp-dispatch.jsa"
rm -f "$CDS"
bench --startup --startup-runs 1 --startup-java-opts "-XX:ArchiveClassesAtExit=$CDS" > /dev/null
if [ -f "$CDS" ]; then
  echo "\$ msnp-dispatch bench --startup --startup-runs 5 --startup-java-opts \"-XX:SharedArchiveFile=$CDS\"   (AppCDS archive of one earlier run)"
  bench --startup --startup-runs 5 --startup-java-opts "-XX:SharedArchiveFile=$CDS"
fi

echo; echo "== 4. JMH (core, no sockets), with allocation per operation"
echo "\$ mvn -q test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test -Dexec.args=\"-cp %classpath org.openjdk.jmh.Main -prof gc $JMH_ARGS org.msnp.dispatch.jmh\""
mvn -B -ntp -q test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
  -Dexec.args="-cp %classpath org.openjdk.jmh.Main -prof gc -rf text -rff $OUT/jmh.txt $JMH_ARGS org.msnp.dispatch.jmh" > "$OUT/jmh-full.log"
cat "$OUT/jmh.txt" | grep -v -E ':(gc\.alloc\.rate |gc\.count|gc\.time|p0\.(00|90|95|9999)|p1\.00)' || true

echo; echo "== done in $(( $(date +%s) - start )) s; load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
