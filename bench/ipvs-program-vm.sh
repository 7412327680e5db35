# Runs INSIDE the IPVS VM (bench/ipvs-program.ts): Debian keepalived and keepalived-ts program the same
# config of N virtual servers x R real servers (no checkers: every real server is added at start),
# then a SIGHUP to a config in which 10 % of the services have new weights. Balanced order (A B B A).
# Prints `RESULT daemon start_ms reload_ms` lines.
set -u
N=${N:-1000}; R=${R:-10}; ROUNDS=${ROUNDS:-2}
ip netns add ktsbench
ip netns exec ktsbench /bin/sh -s "$N" "$R" "$ROUNDS" <<'INNER'
set -u
N=$1; R=$2; ROUNDS=$3
ip link set lo up
ip route add 10.0.0.0/8 dev lo
gen() { # gen WEIGHT_FOR_CHANGED > conf
  node -e '
    const [n, r, w] = process.argv.slice(1).map(Number); const out = [];
    for (let i = 0; i < n; i++) {
      const a = `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;
      out.push(`virtual_server ${a} 80 {`, "  lb_algo rr", "  lb_kind NAT", "  protocol TCP");
      const weight = i % 10 === 9 ? w : 1;
      for (let j = 0; j < r; j++) out.push(`  real_server 10.2.${Math.floor(i / 25)}.${(i % 25) * 10 + j + 1} 80 {`, `    weight ${weight}`, "  }");
      out.push("}");
    }
    console.log(out.join("\n"));' "$N" "$R" "$1"
}
gen 1 > /tmp/bench-start.conf
gen 2 > /tmp/bench-reload.conf
LASTI=$((N - 1))
LAST="10.1.$((LASTI / 250)).$((LASTI % 250 + 1)):80"
now() { date +%s%N; }
# count of real servers of the last service with weight W
lastcount() { ipvsadm -Ln -t "$LAST" 2>/dev/null | awk -v w="$1" '$1=="->" && $3=="Masq" && $4==w' | wc -l; }
run() { # run DAEMON
  ipvsadm -C
  cp /tmp/bench-start.conf /tmp/bench.conf
  T0=$(now)
  if [ "$1" = keepalived ]; then /usr/sbin/keepalived -n -l -C -f /tmp/bench.conf -p /run/kb.pid -c /run/kbc.pid > /tmp/bench-$1.log 2>&1 &
  else bin/keepalived-ts -n -l -C -f /tmp/bench.conf -p /run/kb.pid -c /run/kbc.pid > /tmp/bench-$1.log 2>&1 & fi
  PID=$!
  i=0; while [ $i -lt 3000 ] && [ "$(lastcount 1)" -lt "$R" ]; do sleep 0.1; i=$((i+1)); done
  T1=$(now)
  cp /tmp/bench-reload.conf /tmp/bench.conf
  T2=$(now)
  kill -HUP $PID
  i=0; while [ $i -lt 3000 ] && [ "$(lastcount 2)" -lt "$R" ]; do sleep 0.1; i=$((i+1)); done
  T3=$(now)
  TOTAL=$(ipvsadm -Ln | awk '$1=="->" && $3=="Masq"' | wc -l)
  kill $PID; wait $PID
  echo "RESULT $1 $(( (T1 - T0) / 1000000 )) $(( (T3 - T2) / 1000000 )) dests=$TOTAL"
  sleep 3
}
r=0
while [ $r -lt "$ROUNDS" ]; do
  if [ $((r % 2)) -eq 0 ]; then run keepalived; run keepalived-ts; else run keepalived-ts; run keepalived; fi
  r=$((r + 1))
done
INNER
ip netns del ktsbench
