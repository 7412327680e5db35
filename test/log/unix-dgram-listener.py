# Test helper: binds a unix datagram socket (what /dev/log is), prints each received
# datagram as one JSON string per line, exits after `count` datagrams or `timeout` seconds.
import json, os, socket, sys, time

path, count, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
print(json.dumps("READY"), flush=True)
deadline = time.time() + timeout
got = 0
while got < count and time.time() < deadline:
    sock.settimeout(max(0.05, deadline - time.time()))
    try:
        data = sock.recv(65536)
    except socket.timeout:
        break
    print(json.dumps(data.decode("utf-8", "replace")), flush=True)
    got += 1
sock.close()
os.unlink(path)
