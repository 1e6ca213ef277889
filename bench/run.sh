#!/usr/bin/env bash
# Reproduces the figures of docs/benchmarks.md. Steps (all by default; choose with STEPS="compare idle"):
#   compare  the C server, the same C server leaving the closing to the client as this server does
#            (bench/cceiling-close-wait.c), the Netty ceiling, a baseline jar and this build's jar, each a
#            process of its own started by the bench, in alternating rounds at 50 and 200 handshakes in flight: server
#            CPU per handshake, handshakes/s, p50/p99, RSS; then the same jars with clients that never
#            close, to show how long the server holds such a client (limits.close-wait);
#   proxy    behind PROXY headers (a node behind HAProxy's send-proxy): this build's TCP listener without
#            channels against the same jar on Netty's channels (-Dmsnp.tcp=pipeline), both with
#            proxy-protocol: true and every connection (load and idle) opening with a PROXY v1 header
#            (`bench targets --proxy-header`), in alternating rounds as compare runs them;
#   profile  where the server's work goes, under closed-loop MSNP8 load (PROFILE_CONCURRENCY in flight),
#            each server started by the bench exactly as compare starts it, one at a time:
#            1. system calls per handshake of the two C servers, the Netty ceiling, the baseline jar and this
#               build: `strace -c -f -p PID` for PROFILE_SECONDS after the warm-up, each syscall's calls
#               divided by the server's successful accept4/accept calls in that window (Tcp PassiveOpens
#               of /proc/net/snmp shown beside as a cross-check) (bench/syscall-table.py); strace slows
#               the traced server a lot, so only the counts mean anything;
#            2. CPU flame graphs of FLAME_BEFORE_JAR and FLAME_AFTER_JAR with async-profiler (fetched from
#               Maven Central into $OUT): the JVM starts with the agent loaded, and `jcmd PID
#               JVMTI.agent_load` starts it after the warm-up and stops it PROFILE_SECONDS later (plus the
#               second or two jcmd takes to attach); HTML
#               in $OUT/flame-before.html and flame-after.html, copied to $FLAMEGRAPHS/before.html and
#               after.html; collapsed stacks beside them;
#            3. the share of CPU samples by category (kernel TCP write, close, accept, read, epoll_wait,
#               registration, conversation, connection log, metrics, census, timers, JIT, GC, other)
#               of both (bench/flame-breakdown.py, whose rules are written at its top).
#            Needs strace, jcmd (with the JDK) and python3. Alone: STEPS=profile bench/run.sh; a short
#            try: STEPS=profile PROFILE_SECONDS=6 PROFILE_WARMUP=10 bench/run.sh
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
#   BASELINE_JVM_OPTS  JVM options of the baseline jar (default: JVM_OPTS; the unit of the baseline's own
#                  commit may have had others)
#   COMPARE_ROUNDS, COMPARE_SECONDS, COMPARE_CONCURRENCY   (default 6, 10, 50,200)
#   COMPARE_IDLE   connections held after VER on every server through the comparison, beside the load
#                  (default 19000: with 200 in flight, what a 20,000 open-file limit per process allows)
#   PACED_FRACTION paced rounds at this fraction of the lowest closed-loop rate, the same for every
#                  server, for p99 at that load (default 0.5; 0: none)
#   PACED_ROUNDS   paced rounds per server (default: COMPARE_ROUNDS); the p99 moves between rounds, so
#                  more of them make its three readings (median, all together, round by round) steadier
#   IDLE   idle connections to hold (default: 100000, or what the open-file limit allows)
#   HOLD   seconds to hold them (default 180)
#   SECONDS_PER_RUN, ROUNDS, WARMUP, CONCURRENCY   for the run step (default 8, 3, 4, 64)
#   JMH_ARGS   extra JMH options (default: the iteration counts in the benchmark classes)
#   PROFILE_SECONDS, PROFILE_WARMUP, PROFILE_CONCURRENCY   for the profile step (default 10, 30, 200; the
#                  C server gets at most 3 s of warm-up; a JVM still compiling shows up as JIT samples)
#   PROFILE_EVENT, PROFILE_INTERVAL   async-profiler's event and interval (default cpu, 1ms: perf_events
#                  where the kernel allows them, with kernel frames; else it falls back to a timer)
#   FLAME_BEFORE_JAR, FLAME_AFTER_JAR   the jars of the two flame graphs (default BASELINE_JAR, skipped if
#                  missing, and this build's)
#   FLAMEGRAPHS    where before.html and after.html are copied (default docs/flamegraphs)
#   ASYNC_PROFILER_VERSION   (default 4.2)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out}
mkdir -p "$OUT"
OUT_ABS=$(cd "$OUT" && pwd)
exec > >(tee "$OUT/run.log") 2>&1

STEPS=${STEPS:-compare proxy profile idle run gateway startup jmh}
BASELINE_JAR=${BASELINE_JAR:-../baseline-msnp-dispatch.jar}
JVM_OPTS=${JVM_OPTS:-$(sed -n 's/^ExecStart=[^ ]*java \(.*\) -jar .*/\1/p' dist/msnp-dispatch.service)}
BASELINE_JVM_OPTS=${BASELINE_JVM_OPTS:-$JVM_OPTS}
COMPARE_ROUNDS=${COMPARE_ROUNDS:-6}
COMPARE_SECONDS=${COMPARE_SECONDS:-10}
COMPARE_CONCURRENCY=${COMPARE_CONCURRENCY:-50,200}
COMPARE_IDLE=${COMPARE_IDLE:-19000}
PACED_FRACTION=${PACED_FRACTION:-0.5}
PACED_ROUNDS=${PACED_ROUNDS:-$COMPARE_ROUNDS}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-8}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-4}
CONCURRENCY=${CONCURRENCY:-64}
HOLD=${HOLD:-180}
JMH_ARGS=${JMH_ARGS:-}
PROFILE_SECONDS=${PROFILE_SECONDS:-10}
PROFILE_WARMUP=${PROFILE_WARMUP:-30}
PROFILE_CONCURRENCY=${PROFILE_CONCURRENCY:-200}
PROFILE_EVENT=${PROFILE_EVENT:-cpu}
PROFILE_INTERVAL=${PROFILE_INTERVAL:-1ms}
FLAME_BEFORE_JAR=${FLAME_BEFORE_JAR:-$BASELINE_JAR}
FLAME_AFTER_JAR=${FLAME_AFTER_JAR:-target/msnp-dispatch.jar}
FLAMEGRAPHS=${FLAMEGRAPHS:-docs/flamegraphs}
ASYNC_PROFILER_VERSION=${ASYNC_PROFILER_VERSION:-4.2}
step() { [[ " $STEPS " == *" $1 "* ]]; }

if step profile; then
  for tool in strace jcmd python3; do
    if ! command -v "$tool" > /dev/null; then
      case $tool in
        strace) hint=' (Debian: apt-get install strace)' ;;
        jcmd) hint=' (it comes with the JDK)' ;;
        *) hint= ;;
      esac
      echo "the profile step needs $tool, and there is none on the PATH$hint"
      exit 1
    fi
  done
  if [[ "$OUT_ABS" == *[[:space:]]* ]]; then
    echo "the profile step passes $OUT_ABS in JVM options, which cannot hold spaces: choose another OUT"
    exit 1
  fi
  if ! [[ "$PROFILE_SECONDS" =~ ^[1-9][0-9]*$ && "$PROFILE_WARMUP" =~ ^[1-9][0-9]*$ ]]; then
    echo "PROFILE_SECONDS and PROFILE_WARMUP are whole seconds, at least 1"
    exit 1
  fi
fi

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
    jars=(--start-jar "baseline=$BASELINE_JAR:$BASELINE_JVM_OPTS" "${jars[@]}")
  else
    echo "note: no baseline jar at $BASELINE_JAR: compared without it"
  fi
  cmd=(targets --start-c-ceiling --start-c-close-wait --start-netty-ceiling="netty:$JVM_OPTS" "${jars[@]}" --baseline c --mix MSNP8
       -c "$COMPARE_CONCURRENCY" --rounds "$COMPARE_ROUNDS" -d "$COMPARE_SECONDS" --warmup 2 --first-warmup 10
       --idle "$COMPARE_IDLE" --paced-fraction "$PACED_FRACTION" --paced-rounds "$PACED_ROUNDS")
  echo "\$ msnp-dispatch bench $(printf '%q ' "${cmd[@]}")"
  bench "${cmd[@]}" || echo "(exit status $?)"

  echo; echo "== compare: clients that never close after the XFR (the server's close ends each handshake)"
  cmd=(targets "${jars[@]}" --client-stays --mix MSNP8 -c 200 -n 1000 --rounds 1 --warmup 0 --first-warmup 3)
  echo "\$ msnp-dispatch bench $(printf '%q ' "${cmd[@]}")"
  bench "${cmd[@]}" || echo "(exit status $?)"
  echo; machine
fi

if step proxy; then
  echo; echo "== proxy: behind PROXY headers, the listener without channels and Netty's channels; rounds in turn"
  cmd=(targets --proxy-header --start-jar "direct=$JAR:$JVM_OPTS" --start-jar "pipeline=$JAR:$JVM_OPTS -Dmsnp.tcp=pipeline"
       --baseline direct --mix MSNP8 -c "$COMPARE_CONCURRENCY" --rounds "$COMPARE_ROUNDS" -d "$COMPARE_SECONDS" --warmup 2
       --first-warmup 10 --idle "$COMPARE_IDLE")
  echo "\$ msnp-dispatch bench $(printf '%q ' "${cmd[@]}")"
  bench "${cmd[@]}" || echo "(exit status $?)"
  echo; machine
fi

if step profile; then
  echo; echo "== profile: system calls per handshake (strace), CPU flame graphs (async-profiler); MSNP8, $PROFILE_CONCURRENCY in flight"
  loader=   # the bench running the load now, stopped (with its servers) if this script ends first
  trap 'if [ -n "${loader:-}" ]; then kill "$loader" 2> /dev/null || true; fi' EXIT

  # LABEL WINDOW WARMUP TARGET-OPTION…: `bench targets` starts the one server (as compare does) and loads it
  # with one measured round; when its warm-up has ended, WINDOW LABEL PID runs while that load goes on.
  under_load() {
    local label=$1 window=$2 warmup=$3; shift 3
    local log="$OUT/profile-$label.log" pid ran_out=
    local cmd=(targets "$@" --mix MSNP8 -c "$PROFILE_CONCURRENCY" --rounds 1 --first-warmup "$warmup" --warmup 0
               -d $((PROFILE_SECONDS + 8)))
    echo "\$ msnp-dispatch bench $(printf '%q ' "${cmd[@]}")"
    : > "$log"
    java -jar "$JAR" bench "${cmd[@]}" > "$log" 2>&1 &
    loader=$!
    until grep -q "^$label .*(warm-up, " "$log"; do
      if ! kill -0 "$loader" 2> /dev/null; then
        wait "$loader" || true
        loader=
        echo "profile: the bench ended before its warm-up did:"; cat "$log"
        exit 1
      fi
      sleep 0.2
    done
    pid=$(sed -n 's/^target .*, pid \([0-9]*\)$/\1/p' "$log" | head -n 1)
    grep -E "^target |\(warm-up, " "$log"
    sleep 1
    "$window" "$label" "$pid"
    kill -0 "$loader" 2> /dev/null || ran_out=1
    wait "$loader" || echo "(bench exit status $?)"
    loader=
    grep -E "^$label#1 " "$log" | sed 's/$/   (the load of the window; not a speed figure)/' || true
    if [ -n "$ran_out" ]; then
      echo "warning: the load ended before the window did, so its end saw no load"
    fi
  }

  passive_opens() {
    awk '/^Tcp:/ { if (!c) { for (i = 1; i <= NF; i++) if ($i == "PassiveOpens") c = i } else print $c }' /proc/net/snmp
  }

  strace_window() {   # LABEL PID
    local before after
    before=$(passive_opens)
    timeout -s INT "$PROFILE_SECONDS" strace -c -f -p "$2" -o "$OUT/strace-$1.txt" 2> "$OUT/strace-$1.err" || true
    after=$(passive_opens)
    if ! grep -q ' total$' "$OUT/strace-$1.txt" 2> /dev/null; then
      echo "profile: strace -c -f -p $2 left no summary; it said: $(tail -n 3 "$OUT/strace-$1.err" 2> /dev/null)"
      exit 1
    fi
    syscall_args+=("$1=$OUT/strace-$1.txt:$((after - before))")
  }

  echo; echo "-- system calls per handshake: strace -c -f -p PID for $PROFILE_SECONDS s after the warm-up"
  syscall_args=()
  under_load c strace_window $((PROFILE_WARMUP < 3 ? PROFILE_WARMUP : 3)) --start-c-ceiling
  under_load c-wait strace_window $((PROFILE_WARMUP < 3 ? PROFILE_WARMUP : 3)) --start-c-close-wait
  under_load netty strace_window "$PROFILE_WARMUP" --start-netty-ceiling="netty:$JVM_OPTS"
  if [ -f "$BASELINE_JAR" ]; then
    under_load baseline strace_window "$PROFILE_WARMUP" --start-jar "baseline=$BASELINE_JAR:$BASELINE_JVM_OPTS"
  else
    echo "note: no baseline jar at $BASELINE_JAR: its system calls are not counted"
  fi
  under_load current strace_window "$PROFILE_WARMUP" --start-jar "current=$JAR:$JVM_OPTS"
  echo
  python3 bench/syscall-table.py "${syscall_args[@]}"
  echo "(failed calls included, e.g. the accept4 that ends an accept loop with EAGAIN; write also counts the"
  echo " connection log's writes to /dev/null; close away from 1.00 shows the handshakes cut by the window's"
  echo " edges; strace -c output in $OUT/strace-*.txt)"

  AP="$OUT_ABS/async-profiler-$ASYNC_PROFILER_VERSION"
  AP_LIB="$AP/libasyncProfiler.so"
  if [ ! -f "$AP_LIB" ] || [ ! -f "$AP/jfr-converter.jar" ]; then
    mkdir -p "$AP"
    case "$(uname -m)" in
      x86_64) platform=linux-x64 ;;
      aarch64) platform=linux-arm64 ;;
      *) echo "profile: async-profiler has no library for $(uname -m) in its Maven artifact"; exit 1 ;;
    esac
    for artifact in async-profiler jfr-converter; do
      mvn -B -ntp -q dependency:copy -Dartifact="tools.profiler:$artifact:$ASYNC_PROFILER_VERSION" \
        -DoutputDirectory="$AP" -Dmdep.stripVersion=true 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
    done
    (cd "$AP" && jar xf async-profiler.jar "$platform/libasyncProfiler.so" && mv "$platform/libasyncProfiler.so" . \
      && rmdir "$platform")
  fi

  agent() {   # PID COMMAND: one command to the async-profiler loaded in that JVM
    local said
    said=$(jcmd "$1" JVMTI.agent_load "$AP_LIB" "\"$2\"" 2>&1) || true
    if [[ "$said" != *"return code: 0"* ]]; then
      echo "profile: async-profiler's '$2' in pid $1 failed: $said"
      exit 1
    fi
  }

  flame_window() {   # LABEL PID
    agent "$2" "start,event=$PROFILE_EVENT,interval=$PROFILE_INTERVAL"
    sleep "$PROFILE_SECONDS"
    agent "$2" "stop,file=$OUT_ABS/flame-$1.collapsed,collapsed"
  }

  echo; echo "-- CPU flame graphs: async-profiler $ASYNC_PROFILER_VERSION, event $PROFILE_EVENT every $PROFILE_INTERVAL, $PROFILE_SECONDS s after the warm-up"
  flames=()
  if [ -f "$FLAME_BEFORE_JAR" ]; then
    flames+=("before=$FLAME_BEFORE_JAR")
  else
    echo "note: no jar at $FLAME_BEFORE_JAR (FLAME_BEFORE_JAR): no before flame graph"
  fi
  flames+=("after=$FLAME_AFTER_JAR")
  breakdown_args=()
  for f in "${flames[@]}"; do
    label=${f%%=*} jar=${f#*=}
    rm -f "$OUT/flame-$label.collapsed"
    under_load "$label" flame_window "$PROFILE_WARMUP" --start-jar "$label=$jar:$JVM_OPTS -agentpath:$AP_LIB"
    java -jar "$AP/jfr-converter.jar" --title "$(basename "$jar") serve: CPU ($PROFILE_EVENT), $PROFILE_SECONDS s of MSNP8 handshakes, $PROFILE_CONCURRENCY in flight, after $PROFILE_WARMUP s of warm-up" \
      "$OUT/flame-$label.collapsed" "$OUT/flame-$label.html"
    mkdir -p "$FLAMEGRAPHS"
    cp "$OUT/flame-$label.html" "$FLAMEGRAPHS/$label.html"
    echo "$label: $jar -> $OUT/flame-$label.html, $FLAMEGRAPHS/$label.html"
    breakdown_args=("$label=$OUT/flame-$label.collapsed" "${breakdown_args[@]}")
  done
  echo; echo "-- the server's CPU by category (bench/flame-breakdown.py; each sample to the first rule that matches its stack)"
  python3 bench/flame-breakdown.py "${breakdown_args[@]}"
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
