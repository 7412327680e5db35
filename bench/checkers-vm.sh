# Runs INSIDE the IPVS VM (bench/checkers.ts), one step per call so results come back run by run:
#   sh bench/checkers-vm.sh setup TCP HTTP DELAY   namespace ktschk, local real-server addresses, config, listener
#   sh bench/checkers-vm.sh run DAEMON WINDOW [WAIT] one daemon (keepalived | keepalived-ts), prints a RESULT line;
#                                                   waits at most WAIT s (default 600) for the table to fill
#   sh bench/checkers-vm.sh teardown
# Debian keepalived -C and keepalived-ts -C check the same TCP real servers (TCP_CHECK) and HTTP ones
# (HTTP_GET) against one listener process; the real servers' addresses are local (ip route add local),
# so IPVS accepts them and every check is answered. Per run, once the table is complete and the checkers
# have settled: CPU seconds (utime+stime of the checker child, /proc/PID/stat) over WINDOW seconds, its
# peak RSS (VmHWM), and the checks the listener saw in that window.
set -u
STEP=$1; shift
case "$STEP" in
setup)
  ip netns add ktschk
  ip netns exec ktschk /bin/sh -s "$@" <<'INNER'
set -u
TCP=$1; HTTP=$2; DELAY=$3
ip link set lo up
# Virtual servers 10.1.x.y / 10.4.x.y (routed to lo), real servers 10.2.x.y (TCP) and 10.3.x.y (HTTP): local.
ip route add 10.0.0.0/8 dev lo
ip route add local 10.2.0.0/16 dev lo
ip route add local 10.3.0.0/16 dev lo
node bench/checkers-vm.mjs gen "$TCP" "$HTTP" "$DELAY" > /tmp/ktschk.conf
echo $((TCP + HTTP)) > /tmp/ktschk.expected
# With 2 or more vCPUs the listener gets the last one to itself and the daemons the others (run step), so the
# listener does not take the checker's CPU; with one vCPU all share it.
N=$(nproc)
PIN_L=""; [ "$N" -ge 2 ] && PIN_L="taskset -c $((N - 1))"
(ulimit -n 65536; setsid $PIN_L node bench/checkers-vm.mjs listen /tmp/ktschk-count < /dev/null > /dev/null 2>&1 & echo $! > /tmp/ktschk-listener.pid)
i=0; while [ $i -lt 200 ] && [ ! -s /tmp/ktschk-count ]; do sleep 0.1; i=$((i+1)); done
[ -s /tmp/ktschk-count ] || { echo "listener did not start" >&2; exit 1; }
INNER
  ;;
run)
  ip netns exec ktschk /bin/sh -s "$@" <<'INNER'
set -u
D=$1; WINDOW=$2; WAIT=${3:-600}; SETTLE=5
EXPECTED=$(cat /tmp/ktschk.expected)
ulimit -n 65536
stamp() { echo "$(date +%T) $D: $*" >&2; }
dests() { ipvsadm -Ln 2>/dev/null | awk '$1=="->" && $2 != "RemoteAddress:Port"' | wc -l; }
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' /proc/$1/stat; } # utime + stime (fields 14, 15)
ipvsadm -C
rm -f /run/ktschk-*.pid
# The listener's accept-queue overflows (a burst of connects the listener cannot take in time).
overflows() { awk '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; i++) n[i] = $i; h = 1 } else for (i = 1; i <= NF; i++) if (n[i] == "ListenOverflows" || n[i] == "ListenDrops") printf "%s=%s ", n[i], $i }' /proc/net/netstat; }
stamp "before: $(overflows)"
T0=$(date +%s)
N=$(nproc)
PIN=""; [ "$N" -ge 2 ] && PIN="taskset -c 0-$((N - 2))"
stamp "vCPUs $N, daemon on ${PIN:-all}, listener on $(taskset -pc "$(cat /tmp/ktschk-listener.pid)" | sed 's/.*: //')"
if [ "$D" = keepalived ]; then
  $PIN /usr/sbin/keepalived -n -l -C -f /tmp/ktschk.conf -p /run/ktschk-main.pid -c /run/ktschk-chk.pid -b /run/ktschk-bfd.pid > /tmp/ktschk-$D.log 2>&1 &
else
  # KTS_BENCH_PROFILE=1: a V8 CPU profile of keepalived-ts's checker child over the window. node 20 refuses
  # --cpu-prof in NODE_OPTIONS, so a preload (--require, written here: the guest's /tmp is its own) runs
  # the inspector's profiler from the window's start file to its stop file (polled each second, unref'd)
  # and writes the profile then, whether or not the process exits cleanly later.
  if [ -n "${KTS_BENCH_PROFILE:-}" ]; then
    rm -rf /tmp/ktschk-prof /tmp/ktschk-prof-on /tmp/ktschk-prof-off
    cat > /tmp/ktschk-cpuprof.cjs <<'PRELOAD'
// The checker child only: the profiler's 1 ms sampling of the idle parent took ~40 % of the vCPU in TCG.
if (process.env.KEEPALIVED_TS_CHILD_ROLE !== 'checker') return;
const fs = require('node:fs');
const s = new (require('node:inspector').Session)();
let state = 0;
const tick = setInterval(() => {
  if (state === 0 && fs.existsSync('/tmp/ktschk-prof-on')) {
    state = 1;
    s.connect();
    s.post('Profiler.enable');
    s.post('Profiler.start');
  } else if (state === 1 && fs.existsSync('/tmp/ktschk-prof-off')) {
    state = 2;
    clearInterval(tick);
    s.post('Profiler.stop', (err, r) => {
      if (err) return;
      fs.mkdirSync('/tmp/ktschk-prof', { recursive: true });
      fs.writeFileSync(`/tmp/ktschk-prof/${process.pid}.cpuprofile`, JSON.stringify(r.profile));
    });
  }
}, 1000);
tick.unref();
PRELOAD
    export NODE_OPTIONS="--require /tmp/ktschk-cpuprof.cjs"
  fi
  # KTS_BENCH_TS_DIR: another build's tree (bin/, dist/, the addon; outside /tmp) to run instead of this one.
  $PIN "${KTS_BENCH_TS_DIR:-.}"/bin/keepalived-ts -n -l -C -f /tmp/ktschk.conf -p /run/ktschk-main.pid -c /run/ktschk-chk.pid > /tmp/ktschk-$D.log 2>&1 &
fi
MAIN=$!
# Bounded by WAIT seconds; polled every 2 s (ipvsadm -Ln of thousands of entries is not free in TCG).
while [ $(( $(date +%s) - T0 )) -lt "$WAIT" ] && [ "$(dests)" -lt "$EXPECTED" ]; do sleep 2; done
T1=$(date +%s)
stamp "table $(dests)/$EXPECTED after $((T1 - T0)) s (clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null))"
CHK=$(cat /run/ktschk-chk.pid 2>/dev/null)
sleep $SETTLE
set -- $(cat /tmp/ktschk-count); TCP0=$1; HTTP0=$2
C0=$(ticks "$CHK"); M0=$(ticks "$MAIN"); L0=$(ticks "$(cat /tmp/ktschk-listener.pid)")
[ -n "${KTS_BENCH_PROFILE:-}" ] && touch /tmp/ktschk-prof-on
sleep "$WINDOW"
[ -n "${KTS_BENCH_PROFILE:-}" ] && touch /tmp/ktschk-prof-off
C1=$(ticks "$CHK"); M1=$(ticks "$MAIN"); L1=$(ticks "$(cat /tmp/ktschk-listener.pid)")
# Who else had the vCPU in the window (the parent, the listener), in clock ticks.
stamp "window ticks: checker $((C1 - C0)), parent $((M1 - M0)), listener $((L1 - L0)) of $(( $(getconf CLK_TCK) * WINDOW )) per vCPU"
set -- $(cat /tmp/ktschk-count); TCP1=$1; HTTP1=$2
HWM=$(awk '/^VmHWM:/ { print $2 }' /proc/$CHK/status)
END=$(dests)
FAILS=$(grep -c -E 'failed|timeout|Removing service' /tmp/ktschk-$D.log)
HZ=$(getconf CLK_TCK)
echo "RESULT $D cpu_s=$(awk -v a="$C0" -v b="$C1" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }') hwm_kb=$HWM" \
  "tcp_per_s=$(( (TCP1 - TCP0) / WINDOW )) http_per_s=$(( (HTTP1 - HTTP0) / WINDOW )) dests_end=$END expected=$EXPECTED" \
  "start_s=$((T1 - T0)) fail_lines=$FAILS"
stamp "measured; stopping; $(overflows)"
# The profiles are written within a second or two of the stop file (a busy loop runs the poll late).
if [ -n "${KTS_BENCH_PROFILE:-}" ]; then i=0; while [ $i -lt 30 ] && [ "$(ls /tmp/ktschk-prof 2>/dev/null | wc -l)" -lt 1 ]; do sleep 1; i=$((i+1)); done; fi
kill -TERM "$MAIN"
i=0; while [ $i -lt 60 ] && kill -0 "$MAIN" 2>/dev/null; do sleep 0.5; i=$((i+1)); done
kill -KILL "$MAIN" "$CHK" 2>/dev/null
[ -s /run/ktschk-bfd.pid ] && kill -KILL "$(cat /run/ktschk-bfd.pid)" 2>/dev/null
wait "$MAIN" 2>/dev/null
ipvsadm -C
stamp "stopped after $(( $(date +%s) - T0 )) s"
if [ -n "${KTS_BENCH_PROFILE:-}" ] && [ -d /tmp/ktschk-prof ]; then
  for f in /tmp/ktschk-prof/*.cpuprofile; do [ -f "$f" ] && echo "PROFILE $(basename "$f") $(gzip -c "$f" | base64 -w0)"; done
fi
# Which failures (the text before the first address), most frequent first.
grep -E 'failed|timeout|Removing service' /tmp/ktschk-$D.log | sed 's/^.*[0-9]: //; s/\[[^]]*\]:[a-z]*:[0-9]*/ADDR/g' | sort | uniq -c | sort -rn | head -8 >&2
# When the failures began and ended (first/last lines).
grep -E 'failed|timeout' /tmp/ktschk-$D.log | sed -n '1p;$p' >&2
tail -3 /tmp/ktschk-$D.log >&2
INNER
  ;;
teardown)
  [ -s /tmp/ktschk-listener.pid ] && kill "$(cat /tmp/ktschk-listener.pid)"
  ip netns del ktschk
  ;;
esac
