// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The AGISWARM authors.
 *
 * sniff: the swarm's datagrams as they pass an interface, for the replay
 * tests. Prints one line per IPv4 UDP datagram to or from PORT seen on
 * IFACE (an AF_PACKET socket: run it in the namespace that holds IFACE):
 *
 *    SRC-ADDR DST-ADDR HEX-PAYLOAD
 *
 * until COUNT were printed or SECONDS passed.
 *
 *   sniff --iface v-w1 --port 6000 --count 20 --seconds 30
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: sniff --iface IFACE [--port PORT] [--count N] [--seconds S]\n");
	return 2;
}

/* One frame's IPv4 UDP datagram to or from @port, printed; 1 if printed. */
static int print_udp(const unsigned char *p, ssize_t n, unsigned int port)
{
	const struct iphdr *ip = (const void *)p;
	const struct udphdr *udp;
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
	size_t ihl, len, i;

	if (n < (ssize_t)sizeof(*ip) || ip->version != 4 ||
	    ip->protocol != IPPROTO_UDP)
		return 0;
	ihl = (size_t)ip->ihl * 4;
	if (ihl < sizeof(*ip) || (size_t)n < ihl + sizeof(*udp))
		return 0;
	udp = (const void *)(p + ihl);
	if (ntohs(udp->source) != port && ntohs(udp->dest) != port)
		return 0;
	len = ntohs(udp->len);
	if (len < sizeof(*udp) || ihl + len > (size_t)n)
		return 0;
	inet_ntop(AF_INET, &ip->saddr, src, sizeof(src));
	inet_ntop(AF_INET, &ip->daddr, dst, sizeof(dst));
	printf("%s %s ", src, dst);
	for (i = ihl + sizeof(*udp); i < ihl + len; i++)
		printf("%02x", p[i]);
	printf("\n");
	fflush(stdout);
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "port", required_argument, NULL, 'p' },
		{ "count", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int port = 6000, count = 10, seconds = 30, got = 0;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	const char *iface = NULL;
	unsigned char buf[2048];
	time_t end;
	int c, fd;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i': iface = optarg; break;
		case 'p': port = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'c': count = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 's': seconds = (unsigned int)strtoul(optarg, NULL, 10); break;
		default: return usage();
		}
	}
	if (!iface)
		return usage();
	fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
	if (fd < 0) {
		perror("sniff: socket");
		return 1;
	}
	/* ETH_P_ALL: only those see what the interface sends too. */
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)if_nametoindex(iface);
	if (!sll.sll_ifindex || bind(fd, (void *)&sll, sizeof(sll))) {
		fprintf(stderr, "sniff: %s: %s\n", iface, strerror(errno));
		return 1;
	}
	end = time(NULL) + seconds;
	while (got < count && time(NULL) < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 200) != 1)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n > 0)
			got += (unsigned int)print_udp(buf, n, port);
	}
	close(fd);
	return got ? 0 : 1;
}
