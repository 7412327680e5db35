#!/usr/bin/env bash
# keepalived-ts failover demo: two routers and a client in private network namespaces (demo-*),
# VRRPv2 for one VIP. Shows election, the client reaching the VIP, a crash of the master, the VIP
# moving to the backup, and the old master preempting back. Bounded (< 2 min); touches no host
# interface: every link lives inside the demo namespaces, which are removed on exit.
#   sudo bash test/demo.sh            (runs test/install-deps.sh first if keepalived-ts can't run yet)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
P=demo
NS_BR=$P-br NS_R1=$P-r1 NS_R2=$P-r2 NS_C=$P-c
NET=10.213.0 VIP=10.213.0.200
WORK=$(mktemp -d /tmp/keepalived-ts-demo.XXXXXX)
declare -A PARENT=()

say()  { printf '\n\033[1m== %s\033[0m\n' "$*"; }
note() { printf '   %s\n' "$*"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

cleanup() {
  set +e
  for r in "${!PARENT[@]}"; do
    local pid=${PARENT[$r]}
    local child; child=$(cat "$WORK/$r/vrrp.pid" 2>/dev/null)
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" ${child:+"$child"} 2>/dev/null
  done
  for ns in $NS_R1 $NS_R2 $NS_C $NS_BR; do ip netns del "$ns" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ $EUID -eq 0 ]] || { echo "run as root: sudo bash test/demo.sh" >&2; exit 1; }

# --- toolchain ---------------------------------------------------------------------------------
if ! command -v node >/dev/null || ! command -v ip >/dev/null || ! command -v ping >/dev/null; then
  bash "$ROOT/test/install-deps.sh"
fi
cd "$ROOT"
[[ -d node_modules ]] || npm ci --no-audit --no-fund
[[ -f dist/src/vrrp/daemon.js ]] || npm run build >/dev/null
NODE=$(command -v node)

# --- lab ---------------------------------------------------------------------------------------
say "Building the lab: $NS_R1, $NS_R2 (routers), $NS_C (client) on a bridge inside $NS_BR"
for ns in $NS_R1 $NS_R2 $NS_C $NS_BR; do ip netns del "$ns" 2>/dev/null || true; ip netns add "$ns"; done
ip -n $NS_BR link add br0 type bridge
ip -n $NS_BR link set br0 up
for h in r1 r2 c; do
  ns=$P-$h
  # Both veth ends are created inside namespaces: nothing appears on the host.
  ip -n $NS_BR link add "$h" type veth peer name eth0 netns "$ns"
  ip -n $NS_BR link set "$h" master br0 up
  case $h in r1) addr=$NET.1 ;; r2) addr=$NET.2 ;; c) addr=$NET.100 ;; esac
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
done
MAC_R1=$(ip -n $NS_R1 -br link show eth0 | awk '{print $3}')
MAC_R2=$(ip -n $NS_R2 -br link show eth0 | awk '{print $3}')
note "r1 $NET.1 ($MAC_R1)   r2 $NET.2 ($MAC_R2)   client $NET.100   VIP $VIP"

conf() { # router priority
  cat <<EOF
global_defs {
    router_id $1
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $2
    advert_int 1
    virtual_ipaddress {
        $VIP/24
    }
}
EOF
}

start() { # router priority
  local r=$1
  mkdir -p "$WORK/$r"
  conf "$r" "$2" >"$WORK/$r/keepalived.conf"
  ip netns exec $P-$r "$NODE" "$ROOT/bin/keepalived-ts" -n -l -D -G -P -f "$WORK/$r/keepalived.conf" \
    -p "$WORK/$r/keepalived.pid" -r "$WORK/$r/vrrp.pid" -c "$WORK/$r/checkers.pid" >>"$WORK/$r/log" 2>&1 &
  PARENT[$r]=$!
  note "started keepalived-ts on $r (priority $2), pid ${PARENT[$r]}, log $WORK/$r/log"
}

holders() {
  local out=""
  for r in r1 r2; do ip -n $P-$r -o addr show dev eth0 | grep -q " $VIP/" && out="$out $r"; done
  echo "${out# }"
}

wait_holder() { # router timeout_s  → prints ms waited
  local t0; t0=$(now_ms)
  for _ in $(seq $(( $2 * 20 ))); do
    [[ $(holders) == "$1" ]] && { echo $(( $(now_ms) - t0 )); return 0; }
    sleep 0.05
  done
  echo "timeout: VIP holders are '$(holders)', expected '$1'" >&2
  for r in r1 r2; do echo "--- $r log" >&2; tail -n 20 "$WORK/$r/log" >&2 || true; done
  return 1
}

show_client() {
  if ip netns exec $NS_C ping -c 2 -i 0.3 -W 1 $VIP >/dev/null; then note "client: ping $VIP OK"; else note "client: ping $VIP FAILED"; fi
  local mac; mac=$(ip -n $NS_C neigh show $VIP | awk '{for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1)}')
  local who=unknown; [[ $mac == "$MAC_R1" ]] && who=r1; [[ $mac == "$MAC_R2" ]] && who=r2
  note "client ARP entry: $VIP is at $mac ($who)"
}

# --- the story ---------------------------------------------------------------------------------
say "1. Start both routers: r1 priority 150, r2 priority 100"
start r1 150
start r2 100
T_ELECT=$(wait_holder r1 20)
note "r1 won the election and holds $VIP ($T_ELECT ms after start; a backup waits 3 x advert_int + skew before claiming)"
sleep 1
note "VIP holders: $(holders)"
show_client

say "2. Crash the master: SIGKILL r1's keepalived-ts VRRP child and parent"
CHILD_R1=$(cat "$WORK/r1/vrrp.pid")
# The child first: a child that outlives its parent stops gracefully (priority 0), which is no crash.
note "kill -9 $CHILD_R1 (VRRP child) ${PARENT[r1]} (parent)"
T0=$(now_ms)
kill -KILL "$CHILD_R1" "${PARENT[r1]}"
wait "${PARENT[r1]}" 2>/dev/null || true
unset 'PARENT[r1]'
# A crashed host takes its addresses with it; the killed daemon left the VIP configured, so remove it.
ip -n $NS_R1 addr del $VIP/24 dev eth0 2>/dev/null || true
wait_holder r2 10 >/dev/null
T_FAIL=$(( $(now_ms) - T0 ))
note "r2 took over $T_FAIL ms after the crash (Master_Down_Interval = 3 x 1 s + (256-100)/256 s after the last advert)"
show_client

say "3. Restart r1: it preempts r2 (higher priority)"
T1=$(now_ms)
start r1 150
wait_holder r1 20 >/dev/null
T_BACK=$(( $(now_ms) - T1 ))
note "r1 holds $VIP again, $T_BACK ms after its restart; r2 went back to BACKUP"
sleep 0.5
note "VIP holders: $(holders)"
show_client

say "Summary"
note "election:       $T_ELECT ms (from start to r1 alone holding the VIP)"
note "crash failover: $T_FAIL ms (r1 killed -> r2 holds the VIP)"
note "preempt back:   $T_BACK ms (r1 restarted -> r1 holds the VIP; includes node start-up)"
note "r2's log:"
grep -E 'Entering|priority|setting VIPs|removing VIPs' "$WORK/r2/log" | sed 's/^/     /'
say "Cleaning up (namespaces $P-*)"
