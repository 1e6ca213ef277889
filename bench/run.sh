#!/usr/bin/env bash
# Reproduces the figures of docs/benchmarks.md. Steps (all by default; choose with STEPS="compare idle"):
#   compare  the C server, the Netty ceiling, a baseline jar and this build's jar, each a process of its
#            own started by the bench, in alternating rounds at 50 and 200 handshakes in flight: server
#            CPU per handshake, handshakes/s, p50/p99, RSS; then the same jars with clients that never
#            close, to show how long the server holds such a client (limits.close-wait);
#   idle     idle connections after VER, this build in-process: heap and RSS per connection, drift;
#   run      this build in-process against the in-process ceiling, then paced at half its peak;
#            the same with limits.close-linger 50ms;
#   gateway  handshakes through the HTTP gateway (open with VER, send CVR+USR, poll until Session=close);
#   startup  time from process start to the first complete handshake (plain JVM, then with an AppCDS archive);
#   jmh      line parsing, policy decision (10 / 1,000 rules), reply encoding, whole handshake in-process,
#            with allocation per operation (-prof gc).
# Everything printed is also written to $OUT/run.log. Knobs (environment):
#   BASELINE_JAR   the jar to compare with (default ../baseline-msnp-dispatch.jar; skipped if missing)
#   JVM_OPTS       JVM options of the started jars and the Netty ceiling (default: those of
#                  dist/msnp-dispatch.service's ExecStart)
#   COMPARE_ROUNDS, COMPARE_SECONDS, COMPARE_CONCURRENCY   (default 6, 10, 50,200)
#   IDLE   idle connections to hold (default: 100000, or what the open-file limit allows)
#   HOLD   seconds to hold them (default 180)
#   SECONDS_PER_RUN, ROUNDS, WARMUP, CONCURRENCY   for the run step (default 8, 3, 4, 64)
#   JMH_ARGS   extra JMH options (default: the iteration counts in the benchmark classes)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out}
mkdir -p "$OUT"
exec > >(tee "$OUT/run.log") 2>&1

STEPS=${STEPS:-compare idle run gateway startup jmh}
BASELINE_JAR=${BASELINE_JAR:-../baseline-msnp-dispatch.jar}
JVM_OPTS=${JVM_OPTS:-$(sed -n 's/^ExecStart=[^ ]*java \(.*\) -jar .*/\1/p' dist/msnp-dispatch.service)}
COMPARE_ROUNDS=${COMPARE_ROUNDS:-6}
COMPARE_SECONDS=${COMPARE_SECONDS:-10}
COMPARE_CONCURRENCY=${COMPARE_CONCURRENCY:-50,200}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-4}
CONCURRENCY=${CONCURRENCY:-64}
HOLD=${HOLD:-180}
JMH_ARGS=${JMH_ARGS:-}
step() { [[ " $STEPS " == *" $1 "* ]]; }

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

machine() {
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "busiest processes (share of one core since each started, then over the next 5 s):"
  ps -eo pcpu,comm --sort=-pcpu | sed -n '2,6p'
  top -b -n 2 -d 5 | awk '/^top -/{n++} n==2' | sed -n '3p;7,12p'
}

start=$(date +%s)
echo "== machine"
echo "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
uname -srm
java -version 2>&1 | head -n 1
echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
echo "steps: $STEPS"
machine

echo; echo "== build"
mvn -B -ntp -q package -DskipTests 2>&1 | sed 's/\x1b\[[0-9;]*m//g'   # without the terminal colour codes
JAR=target/msnp-dispatch.jar
bench() { java -jar "$JAR" bench "$@"; }

if step compare; then
  echo; echo "== compare: C server, Netty ceiling, baseline jar, this build; rounds in turn"
  jars=(--start-jar "current=$JAR:$JVM_OPTS")
  if [ -f "$BASELINE_JAR" ]; then
    jars=(--start-jar "baseline=$BASELINE_JAR:$JVM_OPTS" "${jars[@]}")
  else
    echo "note: no baseline jar at $BASELINE_JAR: compared without it"
  fi
  cmd=(targets --start-c-ceiling --start-netty-ceiling="netty:$JVM_OPTS" "${jars[@]}" --baseline c --mix MSNP8
       -c "$COMPARE_CONCURRENCY" --rounds "$COMPARE_ROUNDS" -d "$COMPARE_SECONDS" --warmup 2 --first-warmup 10)
  echo "\$ msnp-dispatch bench $(printf '%q ' "${cmd[@]}")"
  bench "${cmd[@]}" || echo "(exit status $?)"

  echo; echo "== compare: clients that never close after the XFR (the server's close ends each handshake)"
  cmd=(targets "${jars[@]}" --client-stays --mix MSNP8 -c 200 -n 1000 --rounds 1 --warmup 0 --first-warmup 3)
  echo "\$ msnp-dispatch bench $(printf '%q ' "${cmd[@]}")"
  bench "${cmd[@]}" || echo "(exit status $?)"
  echo; machine
fi

if step idle; then
  echo; echo "== idle connections after VER (this build, in-process; the connections held by a child process)"
  echo "\$ msnp-dispatch bench idle --self -k $IDLE --hold $HOLD --sample 30 --sources 32"
  bench idle --self -k "$IDLE" --hold "$HOLD" --sample 30 --sources 32 || echo "(exit status $?)"
fi

if step run; then
  echo; echo "== run: handshakes per second on fresh connections, ours vs the in-process ceiling, then paced at half our peak"
  echo "\$ msnp-dispatch bench run --self --ceiling -c $CONCURRENCY -d $SECONDS_PER_RUN --first-warmup 10 --warmup $WARMUP --rounds $ROUNDS --rate-fraction 0.5"
  bench run --self --ceiling -c "$CONCURRENCY" -d "$SECONDS_PER_RUN" --first-warmup 10 --warmup "$WARMUP" --rounds "$ROUNDS" --rate-fraction 0.5 || echo "(exit status $?)"

  echo; echo "== run: experiment: the same server with limits.close-linger 50ms instead of 2s (same rate as the paced run above)"
  sleep 1
  rate=$(sed -n 's/^paced: \([0-9]*\) handshakes.*/\1/p' "$OUT/run.log" | tail -n 1)
  echo "\$ msnp-dispatch bench run --self -c $CONCURRENCY -d $SECONDS_PER_RUN --first-warmup 10 --warmup 2 --close-linger 50ms --rate ${rate:-4000}"
  bench run --self -c "$CONCURRENCY" -d "$SECONDS_PER_RUN" --first-warmup 10 --warmup 2 --close-linger 50ms --rate "${rate:-4000}" || echo "(exit status $?)"
fi

if step gateway; then
  echo; echo "== gateway: open (VER), send (CVR, USR), poll until Session=close, 16 clients"
  echo "\$ msnp-dispatch bench gateway --self -c 16 -d $SECONDS_PER_RUN --first-warmup 5"
  bench gateway --self -c 16 -d "$SECONDS_PER_RUN" --first-warmup 5 || echo "(exit status $?)"
fi

if step startup; then
  echo; echo "== startup: first complete handshake after the process starts"
  echo "\$ msnp-dispatch bench startup --runs 5"
  bench startup --runs 5
  CDS="$OUT/msnp-dispatch.jsa"
  rm -f "$CDS"
  bench startup --runs 1 --java-opts "-XX:ArchiveClassesAtExit=$CDS" > /dev/null
  if [ -f "$CDS" ]; then
    echo "\$ msnp-dispatch bench startup --runs 5 --java-opts \"-XX:SharedArchiveFile=$CDS\"   (AppCDS archive of one earlier run)"
    bench startup --runs 5 --java-opts "-XX:SharedArchiveFile=$CDS"
  fi
fi

if step jmh; then
  echo; echo "== jmh: the core, no sockets, with allocation per operation"
  echo "\$ mvn -q test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test -Dexec.args=\"-cp %classpath org.openjdk.jmh.Main -prof gc $JMH_ARGS org.msnp.dispatch.jmh\""
  mvn -B -ntp -q test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
    -Dexec.args="-cp %classpath org.openjdk.jmh.Main -prof gc -rf text -rff $OUT/jmh.txt $JMH_ARGS org.msnp.dispatch.jmh" > "$OUT/jmh-full.log"
  grep -v -E ':(gc\.alloc\.rate |gc\.count|gc\.time|p0\.(00|90|95|9999)|p1\.00)' "$OUT/jmh.txt" || true
fi

echo; echo "== done in $(( $(date +%s) - start )) s"
machine
