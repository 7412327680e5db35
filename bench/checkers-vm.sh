# Runs INSIDE the IPVS VM (bench/checkers.ts): Debian keepalived -C and keepalived-ts -C check the same
# TCP real servers (TCP_CHECK) and HTTP ones (HTTP_GET), all at delay_loop DELAY, against one listener
# process; the real servers' addresses are local (ip route add local), so IPVS accepts them and every
# check is answered. For each daemon, once the table is complete and the checkers have settled: CPU
# seconds (utime+stime of the checker child, /proc/PID/stat) over WINDOW seconds, its peak RSS (VmHWM),
# and the checks the listener saw in that window. Balanced order (A B B A ...).
# Prints `RESULT daemon cpu_s=.. hwm_kb=.. tcp_per_s=.. http_per_s=.. dests_end=.. expected=.. start_s=..`.
set -u
TCP=${TCP:-10000}; HTTP=${HTTP:-1000}; DELAY=${DELAY:-1}; WINDOW=${WINDOW:-60}; ROUNDS=${ROUNDS:-1}; SETTLE=${SETTLE:-5}
ip netns add ktschk
ip netns exec ktschk /bin/sh -s "$TCP" "$HTTP" "$DELAY" "$WINDOW" "$ROUNDS" "$SETTLE" <<'INNER'
set -u
TCP=$1; HTTP=$2; DELAY=$3; WINDOW=$4; ROUNDS=$5; SETTLE=$6
EXPECTED=$((TCP + HTTP))
ulimit -n 65536
ip link set lo up
# Virtual servers 10.1.x.y / 10.4.x.y (routed to lo), real servers 10.2.x.y (TCP) and 10.3.x.y (HTTP): local.
ip route add 10.0.0.0/8 dev lo
ip route add local 10.2.0.0/16 dev lo
ip route add local 10.3.0.0/16 dev lo
node bench/checkers-vm.mjs gen "$TCP" "$HTTP" "$DELAY" > /tmp/ktschk.conf
node bench/checkers-vm.mjs listen /tmp/ktschk-count &
LISTENER=$!
i=0; while [ $i -lt 100 ] && [ ! -s /tmp/ktschk-count ]; do sleep 0.1; i=$((i+1)); done
dests() { ipvsadm -Ln 2>/dev/null | awk '$1=="->" && $2 != "RemoteAddress:Port"' | wc -l; }
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' /proc/$1/stat; } # utime + stime (fields 14, 15)
hwm() { awk '/^VmHWM:/ { print $2 }' /proc/$1/status; }
run() { # run DAEMON
  ipvsadm -C
  rm -f /run/ktschk-*.pid
  T0=$(date +%s%N)
  if [ "$1" = keepalived ]; then
    /usr/sbin/keepalived -n -l -C -f /tmp/ktschk.conf -p /run/ktschk-main.pid -c /run/ktschk-chk.pid -b /run/ktschk-bfd.pid > /tmp/ktschk-$1.log 2>&1 &
  else
    bin/keepalived-ts -n -l -C -f /tmp/ktschk.conf -p /run/ktschk-main.pid -c /run/ktschk-chk.pid > /tmp/ktschk-$1.log 2>&1 &
  fi
  MAIN=$!
  i=0; while [ $i -lt 1200 ] && [ "$(dests)" -lt "$EXPECTED" ]; do sleep 0.5; i=$((i+1)); done
  T1=$(date +%s%N)
  CHK=$(cat /run/ktschk-chk.pid 2>/dev/null)
  sleep "$SETTLE"
  set -- "$1" $(cat /tmp/ktschk-count)
  C0=$(ticks "$CHK"); TCP0=$2; HTTP0=$3
  sleep "$WINDOW"
  C1=$(ticks "$CHK"); set -- "$1" $(cat /tmp/ktschk-count); TCP1=$2; HTTP1=$3
  HWM=$(hwm "$CHK")
  END=$(dests)
  FAILS=$(grep -c -E 'failed|timeout|Removing service' /tmp/ktschk-$1.log)
  HZ=$(getconf CLK_TCK)
  echo "RESULT $1 cpu_s=$(awk -v a="$C0" -v b="$C1" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }') hwm_kb=$HWM" \
    "tcp_per_s=$(( (TCP1 - TCP0) / WINDOW )) http_per_s=$(( (HTTP1 - HTTP0) / WINDOW )) dests_end=$END expected=$EXPECTED" \
    "start_s=$(( (T1 - T0) / 1000000000 )) fail_lines=$FAILS"
  kill -TERM "$MAIN"
  i=0; while [ $i -lt 120 ] && kill -0 "$MAIN" 2>/dev/null; do sleep 0.5; i=$((i+1)); done
  kill -KILL "$MAIN" "$CHK" 2>/dev/null
  wait "$MAIN" 2>/dev/null
  ipvsadm -C
  sleep 2
}
r=0
while [ $r -lt "$ROUNDS" ]; do
  if [ $((r % 2)) -eq 0 ]; then run keepalived; run keepalived-ts; else run keepalived-ts; run keepalived; fi
  r=$((r + 1))
done
kill "$LISTENER"
tail -5 /tmp/ktschk-keepalived.log /tmp/ktschk-keepalived-ts.log >&2
INNER
ip netns del ktschk
