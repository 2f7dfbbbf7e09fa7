#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# openwrt-mesh.sh: EXAMPLE ONLY, for an OpenWrt router; no test runs it.
# Joins the router's first radio to an encrypted 802.11s mesh that carries
# the swarm's UDP traffic between routers (each router is then a worker
# or an aggregator node, configured with agictl as in netns/swarm.sh).
#
#   router A (worker) ~~~ 802.11s mesh "EDGE_LATTICE_01", SAE ~~~ router B
#        wlan0-mesh  <------- UDP 6000 (AGISWARM) ------->  wlan0-mesh
#
#   MESH_KEY=... openwrt-mesh.sh [--radio radio0] [--iface default_radio0]
#                                [--mesh-id EDGE_LATTICE_01] [--channel 13]
#                                [--dry-run]
#
# The key comes from the environment, never from this file (the prototype
# shipped one). --dry-run prints the uci commands instead of running them.
# Needs uci and wifi (OpenWrt); the mesh needs wpad-mesh-* for SAE.
set -e

radio=radio0
iface=default_radio0
mesh_id=EDGE_LATTICE_01
channel=13
run=

while [ $# -gt 0 ]; do
	case $1 in
	--radio) radio=$2 ;;
	--iface) iface=$2 ;;
	--mesh-id) mesh_id=$2 ;;
	--channel) channel=$2 ;;
	--dry-run) run=echo; shift; continue ;;
	-h|--help) sed -n '3,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "openwrt-mesh.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
	[ $# -ge 2 ] || { echo "openwrt-mesh.sh: $1 needs a value" >&2; exit 2; }
	shift 2
done

if [ -z "$MESH_KEY" ]; then
	echo "openwrt-mesh.sh: set MESH_KEY (the mesh's SAE password)" >&2
	exit 2
fi
if [ -z "$run" ] && ! command -v uci >/dev/null 2>&1; then
	echo "openwrt-mesh.sh: uci not found: this is an OpenWrt example (try --dry-run)" >&2
	exit 4
fi

$run uci set "wireless.$radio.channel=$channel"
$run uci set "wireless.$radio.disabled=0"
$run uci set "wireless.$iface.mode=mesh"
$run uci set "wireless.$iface.mesh_id=$mesh_id"
$run uci set "wireless.$iface.encryption=sae"
$run uci set "wireless.$iface.key=$MESH_KEY"
$run uci set "wireless.$iface.mesh_fwding=1"
$run uci commit wireless
# Only the AGISWARM port is opened to the mesh's zone (lan by default).
$run uci set firewall.agiswarm=rule
$run uci set firewall.agiswarm.name=AGISWARM
$run uci set firewall.agiswarm.src=lan
$run uci set firewall.agiswarm.proto=udp
$run uci set firewall.agiswarm.dest_port=6000
$run uci set firewall.agiswarm.target=ACCEPT
$run uci commit firewall
$run wifi reload
$run /etc/init.d/firewall reload
