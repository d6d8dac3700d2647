#!/usr/bin/env bash
# A complete CI check with handshake: start a service in a network
# namespace, capture while a client talks to it, and fail the build if any
# connection was refused, unanswered, reset or left half-open, if a
# connect took longer than 200 ms (its first SYN to ESTABLISHED: a lost SYN
# costs a second), or if it did not close with FINs.
#
# Usage: sudo HANDSHAKE=path/to/handshake Examples/ci-check.sh [OUTPUT_DIRECTORY]
# Needs root (network namespaces, capture) and python3. Exit status is
# handshake check's: 0 all rules hold, 1 one is broken.
set -euo pipefail
handshake=${HANDSHAKE:-handshake}
out=${1:-.}
ns="ci-$$"
cleanup() {
    # Everything started in the namespace (the service), then the namespace.
    ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "$ns"
ip -n "$ns" link set lo up

# The service under test: here a small HTTP server on loopback.
ip netns exec "$ns" python3 -m http.server 8080 --bind 127.0.0.1 >/dev/null 2>&1 &

# Judge live traffic for 4 seconds; keep the packets and a JUnit report for the CI system.
ip netns exec "$ns" "$handshake" check -i lo --duration 4s -w "$out/ci.pcap" --junit "$out/handshake.xml" \
    --fail-on refused,unanswered,reset,half_open --max-connect-time 200ms --expect-close fin \
    --server 127.0.0.1:8080 'tcp port 8080' &
check=$!
sleep 1

# The client: three requests, each its own connection.
ip netns exec "$ns" python3 - <<'PY'
import time, urllib.request
for _ in range(3):
    urllib.request.urlopen("http://127.0.0.1:8080/").read()
    time.sleep(0.1)
PY

wait "$check"
