# Runs INSIDE the VM (test/checkd/corpus.vm.test.ts): `sh corpus-vm.sh DIR P NAME...`. For each DIR/NAME.conf: a fresh netns, NAME.setup run
# in it (lo up, routes to the real servers), then Debian's keepalived 2.2.7 -C and keepalived-ts -C one after the
# other on the same config, each snapshot of IPVS printed as "=== NAME LABEL WHAT" sections; NAME.ipvsadm,
# when present, is run as a third "cmd" table. Every wait is bounded; the netns goes at the end of each config.
set -u
NS=ktscorp
# wait_for FILE ERE PID: bounded poll (90 s) for the extended regex ERE in FILE while PID lives
wait_for() {
  i=0; while [ $i -lt 900 ] && ! grep -Eq -- "$2" "$1" && kill -0 "$3" 2>/dev/null; do sleep 0.1; i=$((i+1)); done
}
snapshot() {
  echo "=== $1 $2 table"; ipvsadm -Ln
  echo "=== $1 $2 timeout"; ipvsadm -Ln --timeout
  echo "=== $1 $2 daemon"; ipvsadm -L --daemon
  echo "=== $1 $2 save"; ipvsadm -Sn
  echo "=== $1 $2 thresholds"; ipvsadm -Ln --thresholds
  echo "=== $1 $2 tun"; ipvsadm -Ln --tun-info
}
# run_daemon NAME LABEL BINARY: start, snapshot once the parent says Startup complete (or, for a config that leaves
# nothing to run, its 'Warning - keepalived has no configuration to run', after which no Startup line ever comes),
# SIGTERM, snapshot after
run_daemon() {
  LOG=/tmp/$NS-$1-$2.log
  PF=/run/$NS-$1-$2
  T0=$(date +%s%N)
  $3 -n -l -C -f $DIR/$1.conf -p $PF.pid -c $PF-c.pid -r $PF-v.pid > $LOG 2>&1 &
  PID=$!
  wait_for $LOG 'Startup complete|has no configuration to run' $PID
  echo "=== $1 $2 start-ms"; echo $(( ($(date +%s%N) - T0) / 1000000 ))
  snapshot $1 $2
  echo "=== $1 $2 alive"; kill -0 $PID 2>/dev/null && echo alive
  kill $PID 2>/dev/null
  i=0; while [ $i -lt 200 ] && kill -0 $PID 2>/dev/null; do sleep 0.1; i=$((i+1)); done
  kill -9 $PID 2>/dev/null
  wait $PID; RC=$?
  echo "=== $1 $2 rc"; echo $RC
  echo "=== $1 $2 after"; ipvsadm -Ln
  echo "=== $1 $2 after-timeout"; ipvsadm -Ln --timeout
  echo "=== $1 $2 after-daemon"; ipvsadm -L --daemon
  echo "=== $1 $2 log"; cat $LOG
  ipvsadm -C
}
# inner DIR NAME: one config inside the netns
if [ "$1" = inner ]; then
  DIR=$2; NAME=$3
  . $DIR/$NAME.setup
  run_daemon $NAME ka /usr/sbin/keepalived
  run_daemon $NAME ours bin/keepalived-ts
  if [ -e $DIR/$NAME.ipvsadm ]; then
    . $DIR/$NAME.ipvsadm
    snapshot $NAME cmd
    ipvsadm -C
  fi
  exit 0
fi
# DIR P NAME...: the configs P at a time (IPVS is per netns: each config has a fresh netns of its own, removed
# after it even when the run inside fails), then every config's output in the order given.
DIR=$1; P=$2; shift 2
one() {
  ip netns add $NS$1
  ip netns exec $NS$1 /bin/sh $0 inner $DIR $2 > $DIR/$2.out 2>&1
  ip netns del $NS$1
}
i=0
for NAME in "$@"; do
  one $i $NAME &
  i=$((i+1))
  [ $((i % P)) -eq 0 ] && wait
done
wait
for NAME in "$@"; do cat $DIR/$NAME.out; done
