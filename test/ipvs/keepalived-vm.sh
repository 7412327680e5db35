# Runs INSIDE the IPVS VM: Debian's keepalived 2.2.7 (checker process only)
# programs a small table in a fresh netns; TCP_CHECKs point at nothing, so
# 10.0.0.2 (inhibit_on_failure) drops to weight 0 and 10.0.0.3 goes. Prints
# ipvsadm's listing, our client's view of the same table, and keepalived's log.
set -u
ip netns add ktsipvska
ip netns exec ktsipvska /bin/sh -s <<'INNER'
set -u
ip link set lo up && ip route add 10.0.0.0/8 dev lo
cat > /tmp/ka.conf <<'CONF'
global_defs {
  router_id kts_ipvs
}
virtual_server 10.0.0.1 80 {
  delay_loop 1
  lb_algo wrr
  lb_kind DR
  persistence_timeout 50
  protocol TCP
  real_server 10.0.0.2 80 {
    weight 3
    inhibit_on_failure
    TCP_CHECK {
      connect_timeout 1
      retry 0
    }
  }
  real_server 10.0.0.3 80 {
    weight 2
    TCP_CHECK {
      connect_timeout 1
      retry 0
    }
  }
}
virtual_server fwmark 9 {
  lb_algo sh
  sh-port
  lb_kind NAT
  protocol UDP
  real_server 10.0.0.4 53 {
    weight 1
  }
}
CONF
T0=$(date +%s%3N)
/usr/sbin/keepalived -C -n -l -D -f /tmp/ka.conf -p /run/ka.pid -c /run/ka-c.pid >/tmp/ka.log 2>&1 &
KA=$!
i=0
while [ $i -lt 60 ]; do
  if ipvsadm -Ln | grep -q '10.0.0.2:80 .* Route   0 ' && ! ipvsadm -Ln | grep -q '10.0.0.3:80'; then break; fi
  sleep 0.5; i=$((i+1))
done
T1=$(date +%s%3N)
echo "=== ipvsadm"; ipvsadm -Ln
echo "=== ours"; node test/ipvs/list-vm.mjs dist
T2=$(date +%s%3N)
echo
kill $KA; wait $KA
T3=$(date +%s%3N)
echo "=== after stop"; ipvsadm -Ln
echo "=== log"; cat /tmp/ka.log
echo "=== timing"; echo "settle $((T1-T0)) ms, our listing $((T2-T1)) ms, keepalived stop $((T3-T2)) ms"
INNER
