# Runs INSIDE the VM: Debian's keepalived 2.2.7 checker, then keepalived-ts' CheckRunner, on the same
# scenario (fixtures/check/oracle.conf) in a fresh netns; prints both logs and ipvsadm's table.
set -u
RUN_MS=${1:-6000}
ip netns add ktschk
ip netns exec ktschk /bin/sh -s "$RUN_MS" <<'INNER'
set -u
RUN_MS=$1
ip link set lo up
for a in 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 10.0.0.6 10.0.0.7 10.0.0.8 10.0.0.9; do ip addr add $a/32 dev lo; done
printf '#!/bin/sh\nexit 5\n' > /tmp/kts-exit5.sh && chmod 755 /tmp/kts-exit5.sh
openssl req -x509 -newkey rsa:2048 -nodes -keyout /tmp/kts-key.pem -out /tmp/kts-cert.pem -days 1 -subj /CN=kts >/dev/null 2>&1
start_servers() {
  : > /tmp/srv.log
  node test/check/oracle-servers.mjs /tmp/kts-cert.pem /tmp/kts-key.pem > /tmp/srv.log 2>&1 &
  SRV=$!
  i=0; while [ $i -lt 200 ] && ! grep -q 'servers up' /tmp/srv.log; do sleep 0.1; i=$((i+1)); done
}
start_servers
/usr/sbin/keepalived -C -n -l -D -f fixtures/check/oracle.conf -p /run/kts-chk.pid -c /run/kts-chk-c.pid >/tmp/ka.log 2>&1 &
KA=$!
# Until the flaky server is back (the scenario's last state change), at most RUN_MS.
i=0; while [ $i -lt $((RUN_MS / 100)) ] && ! grep -q 'Adding service \[10.0.0.7\]' /tmp/ka.log; do sleep 0.1; i=$((i+1)); done
sleep 1
echo "=== ipvsadm"; ipvsadm -Ln
kill $KA; wait $KA
echo "=== keepalived"; cat /tmp/ka.log
ipvsadm -C
kill $SRV; wait $SRV 2>/dev/null
start_servers
echo "=== ours"; node test/check/oracle-ours.mjs dist "$RUN_MS" 2>&1
kill $SRV
INNER
ip netns del ktschk
