# Runs INSIDE the VM (test/checkd/daemon.vm.test.ts): Debian's keepalived 2.2.7, then keepalived-ts, on
# fixtures/checkd/vm.conf in a fresh netns; prints both IPVS tables, then ours across a SIGHUP to vm-reload.conf.
set -u
ip netns add ktscd
ip netns exec ktscd /bin/sh -s <<'INNER'
set -u
CONF=/tmp/ktscd.conf
ip link set lo up
for a in 1 2 3 4 5 6 7 10 11; do ip addr add 10.9.0.$a/32 dev lo; done
node test/checkd/vm-servers.mjs serve > /tmp/ktscd-srv.log 2>&1 &
SRV=$!
i=0; while [ $i -lt 300 ] && ! grep -q 'servers up' /tmp/ktscd-srv.log; do sleep 0.1; i=$((i+1)); done
# wait_for FILE PATTERN COUNT: bounded poll (60 s) for COUNT lines matching PATTERN
wait_for() {
  i=0; while [ $i -lt 600 ] && [ "$(grep -c -- "$2" "$1")" -lt "$3" ]; do sleep 0.1; i=$((i+1)); done
}
# reload_to_step2 PID LOG: SIGHUP to vm-reload.conf; returns after the new server's first check and two
# more delay_loops (the dead server must stay out: its state survives the reload).
reload_to_step2() {
  cp fixtures/checkd/vm-reload.conf $CONF
  kill -HUP $1
  wait_for $2 'Reload complete' 1
  wait_for $2 'TCP connection to \[10.9.0.5\]:tcp:8080 success' 1
  sleep 4
}
SETTLED='Adding sorry server \[10.9.0.6\]:tcp:8080 to VS \[10.9.0.1\]:tcp:82'
GONE='Removing service \[10.9.0.4\]:tcp:8081 from VS \[10.9.0.1\]:tcp:80'

cp fixtures/checkd/vm.conf $CONF
/usr/sbin/keepalived -n -l -C -f $CONF -p /run/ktscd-ka.pid -c /run/ktscd-kac.pid > /tmp/ktscd-ka.log 2>&1 &
KA=$!
wait_for /tmp/ktscd-ka.log "$SETTLED" 1; wait_for /tmp/ktscd-ka.log "$GONE" 1
echo "=== ka-table"; ipvsadm -Ln
reload_to_step2 $KA /tmp/ktscd-ka.log
echo "=== ka-reload-table"; ipvsadm -Ln
echo "=== ka-reload-timeouts"; ipvsadm -L --timeout
kill $KA; wait $KA
echo "=== ka-after"; ipvsadm -Ln
echo "=== ka-log"; cat /tmp/ktscd-ka.log
ipvsadm -C

rm -f /tmp/ktscd-notify-down-4
cp fixtures/checkd/vm.conf $CONF
T0=$(date +%s%N)
bin/keepalived-ts -n -l -C -f $CONF -p /run/ktscd-ours.pid -c /run/ktscd-oursc.pid > /tmp/ktscd-ours.log 2>&1 &
OURS=$!
wait_for /tmp/ktscd-ours.log "$SETTLED" 1; wait_for /tmp/ktscd-ours.log "$GONE" 1
echo "=== ours-settle-ms"; echo $(( ($(date +%s%N) - T0) / 1000000 ))
echo "=== ours-table"; ipvsadm -Ln
i=0; while [ $i -lt 50 ] && [ ! -e /tmp/ktscd-notify-down-4 ]; do sleep 0.1; i=$((i+1)); done
echo "=== notify-down"; ls /tmp/ktscd-notify-down-4
echo "=== traffic"; node test/checkd/vm-servers.mjs traffic 10.9.0.1 81 5
# The kernel folds per-CPU counters into what it reports every 2 s (IPVS estimator).
sleep 3
echo "=== stats-before"; ipvsadm -Ln --stats
reload_to_step2 $OURS /tmp/ktscd-ours.log
echo "=== reload-table"; ipvsadm -Ln
echo "=== stats-after"; ipvsadm -Ln --stats
echo "=== reload-timeouts"; ipvsadm -L --timeout
kill $OURS; wait $OURS; RC=$?
echo "=== ours-rc"; echo $RC
echo "=== ours-after"; ipvsadm -Ln
echo "=== ours-after-timeouts"; ipvsadm -L --timeout
echo "=== pidfiles"; ls /run/ktscd-*.pid 2>/dev/null
echo "=== ours-log"; cat /tmp/ktscd-ours.log
ipvsadm -C

# -I with lvs_timeouts, lvs_sync_daemon and a service the kernel refuses; SIGUSR1 dump while running.
echo "=== timeouts-idle"; ipvsadm -L --timeout
cp fixtures/checkd/vm-extras.conf $CONF
rm -f /tmp/keepalived_check.data
bin/keepalived-ts -n -l -C -I -f $CONF -p /run/ktscd-ours.pid -c /run/ktscd-oursc.pid > /tmp/ktscd-extras.log 2>&1 &
OURS=$!
wait_for /tmp/ktscd-extras.log 'Startup complete' 1
echo "=== timeouts-running"; ipvsadm -L --timeout
echo "=== daemons-running"; ipvsadm -L --daemon
ip addr add 10.9.0.20/32 dev lo
wait_for /tmp/ktscd-extras.log 'TCP connection to \[10.9.0.2\]:tcp:8080 success' 1
ip addr del 10.9.0.20/32 dev lo
wait_for /tmp/ktscd-extras.log 'Suspending healthchecker' 1
wait_for /tmp/ktscd-srv.log '^MAIL Subject' 1
echo "=== extras-table"; ipvsadm -Ln
kill -USR1 $OURS
i=0; while [ $i -lt 100 ] && [ ! -s /tmp/keepalived_check.data ]; do sleep 0.1; i=$((i+1)); done
echo "=== dump"; cat /tmp/keepalived_check.data
kill $OURS; wait $OURS; RC=$?
echo "=== extras-rc"; echo $RC
echo "=== extras-after"; ipvsadm -Ln
echo "=== timeouts-after"; ipvsadm -L --timeout
echo "=== daemons-after"; ipvsadm -L --daemon
echo "=== extras-log"; cat /tmp/ktscd-extras.log
echo "=== mail"; grep '^MAIL ' /tmp/ktscd-srv.log
ipvsadm -C

# lvs_flush / lvs_flush_on_stop: strangers' services are flushed at start and at stop.
cp fixtures/checkd/vm-flush.conf $CONF
ipvsadm -A -t 10.9.0.30:1 -s rr
bin/keepalived-ts -n -l -C -f $CONF -p /run/ktscd-ours.pid -c /run/ktscd-oursc.pid > /tmp/ktscd-flush.log 2>&1 &
OURS=$!
wait_for /tmp/ktscd-flush.log 'Startup complete' 1
echo "=== flush-table"; ipvsadm -Ln
ipvsadm -A -t 10.9.0.31:1 -s rr
kill $OURS; wait $OURS
echo "=== flush-after"; ipvsadm -Ln
ipvsadm -C
kill $SRV

# Stop at scale: 1,000 services x 10 real servers (no checkers: all added at start). The checker child
# must clear the table within child_wait_time (5 s), or the parent SIGKILLs it and leaves part behind.
ip route add 10.2.0.0/16 dev lo
node -e '
  const out = [];
  for (let i = 0; i < 1000; i++) {
    out.push(`virtual_server 10.1.${Math.floor(i / 250)}.${(i % 250) + 1} 80 {`, "  lb_algo rr", "  lb_kind NAT", "  protocol TCP");
    for (let j = 0; j < 10; j++) out.push(`  real_server 10.2.${Math.floor(i / 25)}.${(i % 25) * 10 + j + 1} 80 {`, "  }");
    out.push("}");
  }
  console.log(out.join("\n"));' > $CONF
bin/keepalived-ts -n -l -C -f $CONF -p /run/ktscd-ours.pid -c /run/ktscd-oursc.pid > /tmp/ktscd-scale.log 2>&1 &
OURS=$!
i=0; while [ $i -lt 1800 ] && [ "$(ipvsadm -Ln -t 10.1.3.250:80 2>/dev/null | grep -c Masq)" -lt 10 ]; do sleep 0.1; i=$((i+1)); done
echo "=== scale-running"; ipvsadm -Ln | grep -c Masq
T0=$(date +%s%N)
kill $OURS; wait $OURS; RC=$?
echo "=== scale-stop-ms"; echo $(( ($(date +%s%N) - T0) / 1000000 ))
echo "=== scale-rc"; echo $RC
echo "=== scale-after"; ipvsadm -Ln
echo "=== scale-log"; grep -v -e 'Shutting down service' -e 'Gained quorum' -e 'Adding service' /tmp/ktscd-scale.log
ipvsadm -C
INNER
ip netns del ktscd
