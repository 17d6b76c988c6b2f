/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wake_probe: one-way latency of single frames through an xviod relay
 * whose worker has gone to sleep (README.md).
 *
 *   VM side:  a DPDK virtio-user port on xviod's vhost-user socket
 *   NIC side: an AF_PACKET socket on the kernel end of xviod's net_tap port
 *
 * Both ends live in this process, so one TSC times each frame from the
 * moment it is handed to one side until the other side sees it. Between
 * frames the probe waits --gap-ms, long enough for the worker to sleep.
 * The receiving side is busy-polled, so what is measured is the relay's
 * wake-up plus its forwarding, not the probe's own.
 *
 * The floor any sleeping design pays is measured too: a thread of the
 * probe's own, pinned to the worker's CPU and asleep in epoll_wait, woken
 * by an eventfd write with the same pauses ("platform_wake").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#define PROBE_ETHERTYPE 0x88b5 /* IEEE local experimental */
#define PROBE_MAGIC 0x58565750u /* "XVWP" */
#define FRAME_LEN 60
#define LOST_AFTER_MS 1000

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

struct probe_opts {
	const char *sock;
	const char *tap;
	unsigned int count;
	unsigned int gap_ms;
	unsigned int cpu;
	unsigned int worker_cpu;
};

struct samples {
	double *us;
	unsigned int n;
	unsigned int lost;
};

static const char usage[] =
	"usage: wake_probe --sock PATH --tap IFACE [options]\n"
	"\n"
	"Sends single frames through an xviod relay (vhost-user port PATH paired\n"
	"with a net_tap port whose kernel interface is IFACE), alternating\n"
	"VM->NIC and NIC->VM, and prints one JSON object with the one-way\n"
	"latencies in microseconds.\n"
	"\n"
	"  --sock PATH     xviod's vhost-user socket (server mode) for the VM side\n"
	"  --tap IFACE     kernel interface of the relay's net_tap NIC port\n"
	"  --count N       frames per direction (default 200)\n"
	"  --gap-ms MS     pause before each frame (default 20)\n"
	"  --cpu N         CPU the probe busy-polls on (default 0)\n"
	"  --worker-cpu N  xviod's worker CPU, where the platform's own wake-up\n"
	"                  is measured (default 1)\n"
	"  --help          this text\n";

static int parse_opts(int argc, char **argv, struct probe_opts *o)
{
	static const struct option longopts[] = {
		{ "sock", required_argument, NULL, 's' },
		{ "tap", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'n' },
		{ "gap-ms", required_argument, NULL, 'g' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "worker-cpu", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct probe_opts){ .count = 200, .gap_ms = 20, .worker_cpu = 1 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		char *end = NULL;
		unsigned long v = 0;

		if (c == 'n' || c == 'g' || c == 'c' || c == 'w') {
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || v > 100000) {
				fprintf(stderr, "wake_probe: bad number '%s'\n", optarg);
				return -1;
			}
		}
		switch (c) {
		case 's': o->sock = optarg; break;
		case 't': o->tap = optarg; break;
		case 'n': o->count = v; break;
		case 'g': o->gap_ms = v; break;
		case 'c': o->cpu = v; break;
		case 'w': o->worker_cpu = v; break;
		case 'h': fputs(usage, stdout); exit(0);
		default: fputs(usage, stderr); return -1;
		}
	}
	if (o->sock == NULL || o->tap == NULL || o->count == 0) {
		fputs(usage, stderr);
		return -1;
	}
	return 0;
}

static void frame_fill(uint8_t *f, uint32_t seq)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	uint16_t type = htons(PROBE_ETHERTYPE);
	uint32_t magic = htonl(PROBE_MAGIC), nseq = htonl(seq);

	memset(f, 0, FRAME_LEN);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	memcpy(f + 12, &type, 2);
	memcpy(f + 14, &magic, 4);
	memcpy(f + 18, &nseq, 4);
}

static bool frame_is(const uint8_t *f, size_t len, uint32_t seq)
{
	uint16_t type;
	uint32_t magic, nseq;

	if (len < 22)
		return false;
	memcpy(&type, f + 12, 2);
	memcpy(&magic, f + 14, 4);
	memcpy(&nseq, f + 18, 4);
	return ntohs(type) == PROBE_ETHERTYPE && ntohl(magic) == PROBE_MAGIC &&
	       ntohl(nseq) == seq;
}

static int raw_open(const char *ifname)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int one = 1, fd;

	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (sll.sll_ifindex == 0) {
		fprintf(stderr, "wake_probe: no interface '%s'\n", ifname);
		return -1;
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
		perror("wake_probe: AF_PACKET socket");
		return -1;
	}
	/* Our own sends would otherwise come back as received frames. */
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	return fd;
}

static int vm_port_start(struct rte_mempool **pool)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_link link;
	uint64_t deadline;

	*pool = rte_pktmbuf_pool_create("probe", 2047, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					(int)rte_socket_id());
	if (*pool == NULL || rte_eth_dev_count_avail() != 1 ||
	    rte_eth_dev_configure(0, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(0, 0, 256, (unsigned int)rte_socket_id(), NULL, *pool) != 0 ||
	    rte_eth_tx_queue_setup(0, 0, 256, (unsigned int)rte_socket_id(), NULL) != 0 ||
	    rte_eth_dev_start(0) != 0) {
		fprintf(stderr, "wake_probe: cannot start the virtio-user port\n");
		return -1;
	}
	deadline = rte_get_tsc_cycles() + 10 * rte_get_tsc_hz();
	do {
		rte_eth_link_get_nowait(0, &link);
		if (link.link_status == RTE_ETH_LINK_UP)
			return 0;
		rte_delay_ms(10);
	} while (rte_get_tsc_cycles() < deadline);
	fprintf(stderr, "wake_probe: virtio-user link stayed down\n");
	return -1;
}

static void pause_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Time one frame VM -> NIC. Returns microseconds, or -1 if it never came. */
static double vm_to_nic(struct rte_mempool *pool, int raw, uint32_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint64_t hz = rte_get_tsc_hz(), t0, deadline;
	uint8_t buf[2048];

	if (m == NULL)
		return -1;
	frame_fill(rte_pktmbuf_mtod(m, uint8_t *), seq);
	m->data_len = m->pkt_len = FRAME_LEN;
	t0 = rte_rdtsc();
	if (rte_eth_tx_burst(0, 0, &m, 1) != 1) {
		rte_pktmbuf_free(m);
		return -1;
	}
	deadline = t0 + hz * LOST_AFTER_MS / 1000;
	while (rte_rdtsc() < deadline) {
		ssize_t len = recv(raw, buf, sizeof(buf), MSG_DONTWAIT);

		if (len > 0 && frame_is(buf, (size_t)len, seq))
			return (double)(rte_rdtsc() - t0) * 1e6 / (double)hz;
	}
	return -1;
}

/* Time one frame NIC -> VM. */
static double nic_to_vm(int raw, uint32_t seq)
{
	uint64_t hz = rte_get_tsc_hz(), t0, deadline;
	uint8_t frame[FRAME_LEN];
	struct rte_mbuf *rx[32];

	frame_fill(frame, seq);
	t0 = rte_rdtsc();
	if (send(raw, frame, sizeof(frame), 0) != (ssize_t)sizeof(frame))
		return -1;
	deadline = t0 + hz * LOST_AFTER_MS / 1000;
	while (rte_rdtsc() < deadline) {
		uint16_t n = rte_eth_rx_burst(0, 0, rx, RTE_DIM(rx));
		bool found = false;

		for (uint16_t i = 0; i < n; i++) {
			found |= frame_is(rte_pktmbuf_mtod(rx[i], uint8_t *),
					  rte_pktmbuf_data_len(rx[i]), seq);
			rte_pktmbuf_free(rx[i]);
		}
		if (found)
			return (double)(rte_rdtsc() - t0) * 1e6 / (double)hz;
	}
	return -1;
}

static void record(struct samples *s, double us)
{
	if (us < 0)
		s->lost++;
	else
		s->us[s->n++] = us;
}

struct sleeper {
	int efd;
	unsigned int cpu;
	volatile uint64_t woke_at; /* TSC when it returned from epoll_wait */
	volatile bool stop;
};

static void *sleeper_main(void *arg)
{
	struct sleeper *sl = arg;
	struct epoll_event ev = { .events = EPOLLIN };
	cpu_set_t set;
	int ep = epoll_create1(0);

	CPU_ZERO(&set);
	CPU_SET(sl->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	epoll_ctl(ep, EPOLL_CTL_ADD, sl->efd, &ev);
	while (!sl->stop) {
		uint64_t v;

		if (epoll_wait(ep, &ev, 1, 100) > 0 && read(sl->efd, &v, sizeof(v)) > 0)
			sl->woke_at = rte_rdtsc();
	}
	close(ep);
	return NULL;
}

/* How long the platform takes to wake a thread asleep on the worker CPU. */
static int platform_wake(const struct probe_opts *o, struct samples *s)
{
	struct sleeper sl = { .efd = eventfd(0, EFD_NONBLOCK), .cpu = o->worker_cpu };
	uint64_t hz = rte_get_tsc_hz();
	pthread_t t;

	if (sl.efd < 0 || pthread_create(&t, NULL, sleeper_main, &sl) != 0)
		return -1;
	for (unsigned int i = 0; i < o->count; i++) {
		uint64_t one = 1, t0, deadline;

		pause_ms(o->gap_ms);
		sl.woke_at = 0;
		t0 = rte_rdtsc();
		deadline = t0 + hz * LOST_AFTER_MS / 1000;
		if (write(sl.efd, &one, sizeof(one)) != sizeof(one))
			break;
		while (sl.woke_at == 0 && rte_rdtsc() < deadline)
			rte_pause();
		record(s, sl.woke_at ? (double)(sl.woke_at - t0) * 1e6 / (double)hz : -1);
	}
	sl.stop = true;
	pthread_join(t, NULL);
	close(sl.efd);
	return 0;
}

static void drain(int raw)
{
	struct rte_mbuf *rx[32];
	uint8_t buf[2048];
	uint16_t n;

	while (recv(raw, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	while ((n = rte_eth_rx_burst(0, 0, rx, RTE_DIM(rx))) > 0)
		rte_pktmbuf_free_bulk(rx, n);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void print_samples(const char *name, struct samples *s, bool last)
{
	printf("  \"%s\": {\"sent\": %u, \"lost\": %u, \"us\": [", name, s->n + s->lost, s->lost);
	for (unsigned int i = 0; i < s->n; i++)
		printf("%s%.2f", i ? ", " : "", s->us[i]);
	printf("]");
	if (s->n) {
		qsort(s->us, s->n, sizeof(double), cmp_double);
		printf(", \"min\": %.2f, \"median\": %.2f, \"p90\": %.2f, \"p99\": %.2f, \"max\": %.2f",
		       s->us[0], s->us[s->n / 2], s->us[s->n * 9 / 10], s->us[s->n * 99 / 100],
		       s->us[s->n - 1]);
	}
	printf("}%s\n", last ? "" : ",");
}

int main(int argc, char **argv)
{
	struct samples v2n = { 0 }, n2v = { 0 }, plat = { 0 };
	struct rte_mempool *pool;
	struct probe_opts o;
	char cpu[16], vdev[4200], prefix[64];
	char *eal_argv[] = { argv[0], "-l", cpu, "--no-huge", "-m", "256", "--no-pci",
			     "--file-prefix", prefix, "--vdev", vdev, "--log-level", "*:warning" };
	int raw;

	if (parse_opts(argc, argv, &o) != 0)
		return 2;
	snprintf(cpu, sizeof(cpu), "%u", o.cpu);
	snprintf(prefix, sizeof(prefix), "wakeprobe%d", getpid());
	snprintf(vdev, sizeof(vdev), "net_virtio_user0,path=%s,queues=1", o.sock);
	if (rte_eal_init((int)RTE_DIM(eal_argv), eal_argv) < 0) {
		fprintf(stderr, "wake_probe: EAL init failed\n");
		return 1;
	}
	raw = raw_open(o.tap);
	v2n.us = calloc(o.count, sizeof(double));
	n2v.us = calloc(o.count, sizeof(double));
	plat.us = calloc(o.count, sizeof(double));
	if (raw < 0 || v2n.us == NULL || n2v.us == NULL || plat.us == NULL ||
	    vm_port_start(&pool) != 0 || platform_wake(&o, &plat) != 0)
		return 1;
	for (uint32_t i = 0; i < o.count; i++) {
		drain(raw);
		pause_ms(o.gap_ms);
		record(&v2n, vm_to_nic(pool, raw, 2 * i));
		drain(raw);
		pause_ms(o.gap_ms);
		record(&n2v, nic_to_vm(raw, 2 * i + 1));
	}
	printf("{\n  \"gap_ms\": %u,\n", o.gap_ms);
	print_samples("vm_to_nic", &v2n, false);
	print_samples("nic_to_vm", &n2v, false);
	print_samples("platform_wake", &plat, true);
	printf("}\n");
	rte_eth_dev_stop(0);
	rte_eth_dev_close(0);
	rte_eal_cleanup();
	return 0;
}
