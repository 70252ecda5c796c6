#!/usr/bin/env bash
# Makes the USO capture pair in testvectors/captures/ on a real Linux host (root, iproute2,
# ethtool, tcpdump, python3), inside three network namespaces of its own that it removes again:
#
#   sender ns: veth s0 (USO and checksum offload on, the veth default)
#     | the kernel hands s0 the UDP_SEGMENT super-frames whole: captured here
#   bridge ns: s1 --- br0 --- r1 (tx-udp-segmentation and tx-checksumming off)
#     | leaving through r1 the kernel segments them in software (__udp_gso_segment,
#     | inet_gso_segment / ipv6_gso_segment) and completes every checksum: captured here
#   receiver ns: veth r0, a UDP socket that reads the datagrams
#
# One send is seen twice, before and after the kernel's own segmentation; a bridge changes no
# byte, so `replay --uso` of the first capture must equal the second byte for byte
# (sim/testbench/tests/uso_captures.rs, sim/tests/cli.rs).
#
# Usage: scripts/capture-uso.sh [OUT_DIR]   (default testvectors/captures)
set -euo pipefail

out=${1:-testvectors/captures}
for tool in ip ethtool tcpdump python3; do
    command -v "$tool" >/dev/null || { echo "capture-uso: needs $tool (apt-get install iproute2 ethtool tcpdump python3)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "capture-uso: needs root (network namespaces)" >&2; exit 1; }

tag=usocap$$
snd=$tag-snd br=$tag-br rcv=$tag-rcv
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for ns in "$snd" "$br" "$rcv"; do ip netns del "$ns" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT

for ns in "$snd" "$br" "$rcv"; do ip netns add "$ns"; done
ip -n "$snd" link add s0 type veth peer name s1 netns "$br"
ip -n "$rcv" link add r0 type veth peer name r1 netns "$br"
# Fixed MAC addresses, so the capture is the same on every run.
ip -n "$snd" link set s0 address 02:00:00:00:00:01
ip -n "$rcv" link set r0 address 02:00:00:00:00:02
ip -n "$br" link add br0 type bridge
ip -n "$br" link set s1 master br0
ip -n "$br" link set r1 master br0
ip netns exec "$br" ethtool -K r1 tx-udp-segmentation off tx off >/dev/null
for ns in "$snd" "$br" "$rcv"; do ip -n "$ns" link set lo up; done
ip -n "$br" link set br0 up; ip -n "$br" link set s1 up; ip -n "$br" link set r1 up
ip -n "$snd" addr add 192.0.2.1/24 dev s0
ip -n "$snd" addr add 2001:db8::1/64 dev s0 nodad
ip -n "$rcv" addr add 192.0.2.2/24 dev r0
ip -n "$rcv" addr add 2001:db8::2/64 dev r0 nodad
ip -n "$snd" link set s0 up; ip -n "$rcv" link set r0 up
# Static neighbours: no ARP or neighbour discovery in the captures.
ip -n "$snd" neigh add 192.0.2.2 lladdr 02:00:00:00:00:02 dev s0
ip -n "$snd" neigh add 2001:db8::2 lladdr 02:00:00:00:00:02 dev s0
ip -n "$rcv" neigh add 192.0.2.1 lladdr 02:00:00:00:00:01 dev r0
ip -n "$rcv" neigh add 2001:db8::1 lladdr 02:00:00:00:00:01 dev r0

filter='(ip and udp and src host 192.0.2.1) or (ip6 and src host 2001:db8::1)'
ip netns exec "$rcv" python3 - <<'EOF' & pids+=($!)
import socket, time
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s4.bind(("192.0.2.2", 9))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s6.bind(("2001:db8::2", 9))
for s in (s4, s6): s.settimeout(0.1)
end = time.time() + 40
while time.time() < end:
    for s in (s4, s6):
        try: s.recv(65535)
        except OSError: pass
EOF
mkdir -p "$out"

# The sender: argv = GSO_SIZE SEND..., a SEND being FAMILY:PAYLOAD[:OPTION...] with options
# `connect` (a connected socket: the socket's own IPv4 id counter), `nodf` (IP_PMTUDISC_DONT:
# no DF, a hashed id), `rr` (IPv4 Record Route option), `dstopts` (IPv6 Destination Options).
cat >"$tmp/send.py" <<'EOF'
import socket, sys, time
UDP_SEGMENT, IP_MTU_DISCOVER, IP_PMTUDISC_DONT, IPV6_DSTOPTS = 103, 10, 0, 59
gso = int(sys.argv[1])
for n, send in enumerate(sys.argv[2:]):
    family, length, *opts = send.split(":")
    v6 = family == "6"
    s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("2001:db8::1" if v6 else "192.0.2.1", 40000))
    s.setsockopt(socket.SOL_UDP, UDP_SEGMENT, gso)
    if "nodf" in opts:
        s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT)
    if "rr" in opts:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, bytes([7, 7, 4, 0, 0, 0, 0, 0]))
    if "dstopts" in opts:
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_DSTOPTS, bytes([17, 0, 1, 4, 0, 0, 0, 0]))
    payload = bytes((i * 7 + gso + n) & 0xFF for i in range(int(length)))
    dst = ("2001:db8::2" if v6 else "192.0.2.2", 9)
    try:
        if "connect" in opts:
            s.connect(dst)
            s.send(payload)
        else:
            s.sendto(payload, dst)
    except OSError as e:  # Linux's own limits: reported, nothing captured
        print(f"capture-uso: gso_size {gso}, send {send}: refused by Linux: {e}")
    s.close()
    time.sleep(0.1)
EOF

# capture GSO_SIZE SEND...: one pair of captures for sends that all use UDP_SEGMENT GSO_SIZE
# (replay --uso takes one gso_size per capture).
capture() {
    local gso=$1
    shift
    local name=uso-linux-gso$gso
    ip netns exec "$snd" tcpdump -i s0 -s 0 -U -w "$tmp/super.pcap" "$filter" 2>"$tmp/t1.log" &
    local t1=$!
    ip netns exec "$br" tcpdump -i r1 -s 0 -U -w "$tmp/segments.pcap" "$filter" 2>"$tmp/t2.log" &
    local t2=$!
    sleep 2 # tcpdump attaches
    ip netns exec "$snd" python3 "$tmp/send.py" "$gso" "$@"
    sleep 1
    kill -INT "$t1" "$t2"
    wait "$t1" "$t2" 2>/dev/null || true
    cp "$tmp/super.pcap" "$out/$name-superframes.pcap"
    cp "$tmp/segments.pcap" "$out/$name-segments.pcap"
    echo "capture-uso: $(uname -r): $out/$name-superframes.pcap, $out/$name-segments.pcap"
}

# gso_size 1400 (fits MTU 1500 for IPv4 with options and for IPv6): 2 full segments + a tail,
# an exact multiple, a 1-byte tail, gso_size + 1, one segment (no GSO), the largest
# super-frames, IPv4 options, an IPv6 extension header (Linux 6.18 segments those in software
# before the device: both captures show segments).
capture 1400 4:4000 4:2800:connect 4:2801:nodf 4:1401 4:1400 4:65000 4:2500:rr \
    6:4000 6:2800 6:64992 6:3000:dstopts
# gso_size 7 (odd, tiny): 100 and 128 segments, gso_size + 1; 129 segments are refused (EINVAL).
capture 7 4:700 4:896:connect 4:8 6:896 6:15 4:903 6:903
