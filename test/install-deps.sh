#!/usr/bin/env bash
# Installs every Debian package the test suite needs, then the npm dependencies,
# then builds. Safe to run again. Needs root (CI runs as root).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then echo "install-deps: must run as root (apt-get, namespaces)" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
PKGS=(
  keepalived        # the oracle: Debian's keepalived 2.2.x, for -t, interop and IPVS comparisons
  iproute2 iputils-ping arping tcpdump tshark   # the namespace lab and packet dissection
  ipvsadm qemu-system-x86 busybox-static linux-image-amd64 kmod   # the IPVS VM (test/vm)
  procps psmisc ca-certificates openssl python3 make g++   # scripts, certificates, native addon build
  man-db bsdutils util-linux systemd   # man page check; logger(1) syslog transport, nsenter(1) netns; unit verify (test/core, test/log)
  nftables   # accept mode (no_accept / vrrp_strict) drop rules, test/issue7
)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Debian's keepalived unit must not run on the test machine: the tests start their own daemons.
systemctl disable --now keepalived >/dev/null 2>&1 || true
# npm ci refuses this registry's lock file (rollup lists platform packages the registry does not serve); npm install keeps to the lock file where it can.
npm install --no-fund --no-audit
npm run build
