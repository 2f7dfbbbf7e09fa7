#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# airgap.sh: the seeds' air gap. A control namespace whose only way in or
# out is one veth pair, and on that pair nftables lets through nothing but
# the AGISWARM port (UDP 6000).
#
#   this namespace ("host")                 agi-control
#   +-------------------------------+       +-------------------------------+
#   | agi-gap-host 192.0.2.253/30   |<=====>| agi-gap-ns 192.0.2.254/30     |
#   | nft table inet agiswarm_airgap|  veth | nft table inet agiswarm_airgap|
#   |  in: only udp dport 6000 (and |       |  in/out: lo, udp port 6000    |
#   |  its replies) from the veth;  |       |  (and replies); else drop     |
#   |  forward to/from it: drop     |       | [--phys IFACE moved in here]  |
#   +-------------------------------+       +-------------------------------+
#
#   airgap.sh up [--phys IFACE] [--port P]
#   airgap.sh down      undo exactly what `up` did (idempotent)
#   airgap.sh status
#
# Unlike the prototype's script, the host's own firewall is left alone: the
# rules live in their own table and only match the veth, so `up` cannot cut
# the host off and `down` deletes exactly that table. What `up` did is
# written to $AIRGAP_STATE, and `down` undoes those steps in reverse, moving
# a --phys interface back to the caller's namespace. Tools: IP and NFT from the environment.
# Exit status: 0 done, 1 failed, 2 usage error, 4 a tool is missing.
set -e
. "$(dirname "$0")/lib.sh"

GAP_NS=agi-control
GAP_HOST_IF=agi-gap-host
GAP_NS_IF=agi-gap-ns
GAP_HOST_ADDR=192.0.2.253
GAP_NS_ADDR=192.0.2.254
GAP_TABLE=agiswarm_airgap
AIRGAP_STATE=${AIRGAP_STATE:-/run/agiswarm-airgap}

usage()
{
	sed -n '/^#   airgap.sh up/,/^#   airgap.sh status/p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-2}"
}

# done_step WHAT: record one completed step of `up` for `down`.
done_step() { echo "$*" >> "$AIRGAP_STATE/steps"; }

host_rules()
{
	cat <<-EOF
	table inet $GAP_TABLE {
		chain input {
			type filter hook input priority 0; policy accept;
			iifname "$GAP_HOST_IF" udp dport $port counter accept
			iifname "$GAP_HOST_IF" ct state established,related accept
			iifname "$GAP_HOST_IF" counter drop
		}
		chain forward {
			type filter hook forward priority 0; policy accept;
			iifname "$GAP_HOST_IF" counter drop
			oifname "$GAP_HOST_IF" counter drop
		}
	}
	EOF
}

ns_rules()
{
	cat <<-EOF
	table inet $GAP_TABLE {
		chain input {
			type filter hook input priority 0; policy drop;
			iif lo accept
			iifname "$GAP_NS_IF" udp dport $port counter accept
			iifname "$GAP_NS_IF" ct state established,related accept
			counter comment "dropped"
		}
		chain output {
			type filter hook output priority 0; policy drop;
			oif lo accept
			oifname "$GAP_NS_IF" udp dport $port accept
			oifname "$GAP_NS_IF" udp sport $port accept
			counter comment "dropped"
		}
	}
	EOF
}

airgap_up()
{
	local missing
	missing=$(have_tools "$IP" "$NFT") || {
		echo "airgap.sh: $missing not found" >&2
		exit "$KSFT_SKIP"
	}
	if [ -e "$AIRGAP_STATE/steps" ]; then
		echo "airgap.sh: already up (airgap.sh down)" >&2
		exit 1
	fi
	mkdir -p "$AIRGAP_STATE"
	: > "$AIRGAP_STATE/steps"
	trap 'rc=$?; [ $rc = 0 ] || airgap_down; exit $rc' EXIT
	"$IP" netns add "$GAP_NS"
	done_step netns
	"$IP" -n "$GAP_NS" link set lo up
	"$IP" link add "$GAP_HOST_IF" type veth peer name "$GAP_NS_IF" netns "$GAP_NS"
	done_step veth
	"$IP" addr add "$GAP_HOST_ADDR/30" dev "$GAP_HOST_IF"
	"$IP" link set "$GAP_HOST_IF" up
	"$IP" -n "$GAP_NS" addr add "$GAP_NS_ADDR/30" dev "$GAP_NS_IF"
	"$IP" -n "$GAP_NS" link set "$GAP_NS_IF" up
	if [ -n "$phys" ]; then
		"$IP" link set "$phys" netns "$GAP_NS"
		done_step phys "$phys"
	fi
	host_rules | "$NFT" -f -
	done_step host_table
	ns_rules | in_ns "$GAP_NS" "$NFT" -f -
	echo "airgap.sh: up: $GAP_NS reachable only at $GAP_NS_ADDR udp $port"
}

# Reverse order of `up`; each step only if `up` recorded it.
airgap_down()
{
	local steps step arg
	[ -f "$AIRGAP_STATE/steps" ] || { rm -rf "$AIRGAP_STATE"; return 0; }
	steps=$(tac "$AIRGAP_STATE/steps")
	while read -r step arg; do
		case $step in
		host_table) "$NFT" delete table inet "$GAP_TABLE" 2>/dev/null || true ;;
		phys) in_ns "$GAP_NS" "$IP" link set "$arg" netns $$ 2>/dev/null ||
			echo "airgap.sh: could not move $arg back" >&2 ;;
		veth) "$IP" link del "$GAP_HOST_IF" 2>/dev/null || true ;;
		netns) "$IP" netns del "$GAP_NS" 2>/dev/null || true ;;
		esac
	done <<< "$steps"
	rm -rf "$AIRGAP_STATE"
}

airgap_status()
{
	if [ ! -f "$AIRGAP_STATE/steps" ]; then
		echo "airgap: down"
		return 0
	fi
	echo "airgap: up ($(tr '\n' ' ' < "$AIRGAP_STATE/steps"))"
	"$IP" -br addr show dev "$GAP_HOST_IF" 2>/dev/null || true
	"$NFT" list table inet "$GAP_TABLE" 2>/dev/null || true
	echo "== $GAP_NS"
	in_ns "$GAP_NS" "$IP" -br addr 2>/dev/null || true
	in_ns "$GAP_NS" "$NFT" list table inet "$GAP_TABLE" 2>/dev/null || true
}

phys= port=$SWARM_PORT
cmd=${1:-}
[ $# -gt 0 ] && shift
while [ $# -gt 0 ]; do
	case $1 in
	--phys) phys=$2 ;;
	--port) port=$2 ;;
	-h|--help) usage 0 ;;
	*) echo "airgap.sh: unknown option '$1'" >&2; usage ;;
	esac
	[ $# -ge 2 ] || { echo "airgap.sh: $1 needs a value" >&2; usage; }
	shift 2
done
case $port in
''|*[!0-9]*) echo "airgap.sh: --port '$port' is not a port" >&2; exit 2 ;;
esac

case $cmd in
up) airgap_up ;;
down) airgap_down ;;
status) airgap_status ;;
-h|--help|help) usage 0 ;;
*) usage ;;
esac
