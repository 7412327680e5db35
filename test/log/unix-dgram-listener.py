# Test helper: binds a unix datagram socket (what /dev/log is), prints each received
# datagram as one JSON string per line, exits after `count` datagrams or `timeout` seconds.
import json, os, signal, socket, sys, time

path, count, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
# SIGTERM: the test has seen all it needs; stop early but cleanly (exit 0).
stop = []
signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
print(json.dumps("READY"), flush=True)
deadline = time.time() + timeout
got = 0
while got < count and time.time() < deadline and not stop:
    sock.settimeout(min(0.2, max(0.05, deadline - time.time())))
    try:
        data = sock.recv(65536)
    except socket.timeout:
        continue
    print(json.dumps(data.decode("utf-8", "replace")), flush=True)
    got += 1
sock.close()
os.unlink(path)
