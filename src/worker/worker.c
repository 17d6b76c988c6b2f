/* SPDX-License-Identifier: BSD-3-Clause */
#include "worker/worker.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "common/xvio_log.h"

/* Idle policy: spin for IDLE_SPIN_LOOPS empty loops, then sleep until a
 * source signals (wake_source_ops), the worker is kicked, or a timeout:
 * IDLE_POLL_US if some source cannot signal, else IDLE_MAX_SLEEP_MS
 * as a safety net. */
#define IDLE_SPIN_LOOPS 4096
#define IDLE_MAX_SLEEP_MS 10
/* After a signal whose packets are not readable yet (net_tap counts
 * arrivals in a signal handler that may run a little later), keep looking
 * this long before sleeping again: the signal will not come twice. */
#define IDLE_RECHECK_US 100

RTE_DEFINE_PER_LCORE(unsigned int, worker_index);

static struct worker workers[XVIO_MAX_WORKERS];
static unsigned int nb_workers;
static struct rte_rcu_qsbr *qsbr;

unsigned int worker_count(void)
{
	return nb_workers;
}

struct worker *worker_get(unsigned int index)
{
	return index < nb_workers ? &workers[index] : NULL;
}

struct worker *worker_by_cpu(unsigned int cpu)
{
	for (unsigned int i = 0; i < nb_workers; i++)
		if (workers[i].cpu == cpu)
			return &workers[i];
	return NULL;
}

void worker_kick_all(void)
{
	uint64_t one = 1;

	for (unsigned int i = 0; i < nb_workers; i++)
		if (write(workers[i].wake_fd, &one, sizeof(one)) < 0)
			(void)0; /* counter saturated: it is awake anyway */
}

/* A sleeping worker stays RCU-online (it still holds its plan), so wake
 * them all: each wakes, disarms, and reports a quiescent state. The kick
 * must follow the token: a worker that woke and reported before the token
 * may already be asleep again. The wait sleeps between checks rather than
 * spinning: when every CPU runs a worker, this thread shares a worker's
 * CPU, and spinning there would hold off the very worker it waits for. */
void worker_synchronize(void)
{
	uint64_t token;

	if (qsbr == NULL)
		return;
	token = rte_rcu_qsbr_start(qsbr);
	worker_kick_all();
	while (!rte_rcu_qsbr_check(qsbr, token, false))
		rte_delay_us_sleep(10);
}

static void drain_eventfd(int fd, void *arg)
{
	uint64_t count;

	(void)arg;
	if (read(fd, &count, sizeof(count)) < 0)
		(void)0; /* already drained */
}

int idle_set_add_eventfd(struct idle_set *set, int fd)
{
	struct rte_epoll_event *ev;

	if (fd < 0)
		return -EBADF;
	if (set->n == IDLE_SET_MAX_FDS)
		return -ENOSPC;
	ev = &set->ev[set->n];
	memset(ev, 0, sizeof(*ev));
	/* Edge-triggered: a kick that arrives while we poll is not lost (the
	 * fd is readable when added, which reports it once). */
	ev->epdata.event = EPOLLIN | EPOLLET;
	ev->epdata.cb_fun = drain_eventfd;
	if (rte_epoll_ctl(set->epfd, EPOLL_CTL_ADD, fd, ev) != 0)
		return -EIO;
	set->n++;
	return 0;
}

static bool any_held(const struct worker_plan *plan)
{
	for (unsigned int i = 0; i < plan->n; i++)
		if (plan->jobs[i]->ops->holding(plan->jobs[i]))
			return true;
	return false;
}

static bool kicked(const struct rte_epoll_event *events, int n, int wake_fd)
{
	for (int i = 0; i < n; i++)
		if (events[i].fd == wake_fd)
			return true;
	return false;
}

/* A NIC whose RX interrupt fires with nothing to receive (seen with
 * net_vhost in DPDK 22.11) would keep the worker awake: after this many
 * such wake-ups in a row, its jobs fall back to the poll timer. */
#define IDLE_SPURIOUS_MAX 64

static void distrust_signals(const struct worker_plan *plan, struct idle_set *set)
{
	for (unsigned int i = 0; i < plan->n; i++)
		plan->jobs[i]->source->ops->distrust(plan->jobs[i], set);
}

/*
 * Sleep until there is work. Sources are armed once; a source that cannot
 * signal is polled on a timer without rearming, so a quiet host costs one
 * poll and one epoll_wait per IDLE_POLL_US. Returns on packets, on a
 * kick (worker_kick_all: a grace period or a new plan), or when packets
 * are held.
 */
static void idle_wait(struct worker *w, const struct worker_plan *plan)
{
	struct idle_set *set = w->idle;
	struct rte_epoll_event events[16];
	uint64_t recheck_cycles = rte_get_tsc_hz() / 1000000 * IDLE_RECHECK_US;
	uint64_t recheck_until = 0;
	unsigned int spurious = 0;
	bool timer = false, timed_out = false;
	int timeout, n;

	if (any_held(plan))
		return; /* a slow destination: keep retrying */
	set->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (set->epfd < 0)
		return;
	set->n = 0;
	idle_set_add_eventfd(set, w->wake_fd);
	for (unsigned int i = 0; i < plan->n; i++)
		if (!plan->jobs[i]->source->ops->arm(plan->jobs[i], set))
			timer = true;
	timeout = timer ? IDLE_POLL_US / 1000 : IDLE_MAX_SLEEP_MS;
	for (;;) {
		uint64_t now = rte_rdtsc();
		uint32_t moved = 0;

		/* Arm, then look, then sleep: what arrived before a source was
		 * (re)armed signalled nothing, so this poll must catch it. */
		for (unsigned int i = 0; i < plan->n; i++)
			plan->jobs[i]->source->ops->rearm(plan->jobs[i]);
		/* The guest adds a packet, then reads whether to kick; we ask
		 * for kicks, then read whether it added one. Without a full
		 * fence our store may pass our load, and both sides miss. */
		rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
		for (unsigned int i = 0; i < plan->n; i++)
			moved += plan->jobs[i]->ops->poll(plan->jobs[i], now);
		if (moved) {
			/* Every source could signal, yet the timer found these. */
			if (timed_out && !timer)
				w->stats.late_wakeups++;
			w->stats.packets += moved;
			w->stats.busy_cycles += rte_rdtsc() - now;
			break;
		}
		if (any_held(plan))
			break;
		if (now < recheck_until) {
			rte_pause();
			continue;
		}
		w->stats.sleeps++;
		n = rte_epoll_wait(set->epfd, events, RTE_DIM(events), timeout);
		/* A signal that raced the timeout is still queued: collect it,
		 * so that what the timer finds is counted late only if no
		 * signal came for it. */
		if (n == 0)
			n = rte_epoll_wait(set->epfd, events, RTE_DIM(events), 0);
		timed_out = n == 0;
		if (n < 0 || kicked(events, n, w->wake_fd))
			break;
		/* A timeout or a signal: the next round looks. The epoll set
		 * is kept (a new one would report still-readable fds again). */
		if (n > 0) {
			recheck_until = rte_rdtsc() + recheck_cycles;
			if (++spurious == IDLE_SPURIOUS_MAX) {
				distrust_signals(plan, set);
				timeout = IDLE_POLL_US / 1000;
				timer = true;
			}
		}
	}
	for (unsigned int i = 0; i < plan->n; i++)
		plan->jobs[i]->source->ops->disarm(plan->jobs[i], set);
	close(set->epfd);
}

/* Some PMDs signal arrivals with a real-time signal (net_tap counts them
 * in its handler and reads nothing until it ran). The daemon blocks these
 * signals in every other thread, so they land on a worker, which runs the
 * handler on its way out of epoll_wait, before it polls. Left to the
 * control thread, the handler waits until that thread gets a CPU. */
static void worker_take_rx_signals(void)
{
	sigset_t set;

	worker_rx_signals(&set);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

void worker_rx_signals(sigset_t *set)
{
	sigemptyset(set);
	/* glibc keeps SIGRTMIN and below for itself; PMDs take the rest. */
	for (int sig = SIGRTMIN + 1; sig <= SIGRTMAX; sig++)
		sigaddset(set, sig);
}

static int worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned int idle_loops = 0;
	uint64_t start = rte_rdtsc();

	/* The default 50 us timer slack would stretch our idle timeouts. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	worker_take_rx_signals();
	RTE_PER_LCORE(worker_index) = w->index;
	rte_rcu_qsbr_thread_register(qsbr, w->index);
	rte_rcu_qsbr_thread_online(qsbr, w->index);
	XVIO_LOG(INFO, "worker %u running on CPU %u (lcore %u)", w->index, w->cpu,
		 w->lcore_id);
	while (!__atomic_load_n(&w->stop, __ATOMIC_RELAXED)) {
		const struct worker_plan *plan = __atomic_load_n(&w->plan, __ATOMIC_ACQUIRE);
		uint64_t now = start, end;
		uint32_t moved = 0;

		for (unsigned int i = 0; i < plan->n; i++) {
			struct worker_job *j = plan->jobs[i];
			uint16_t n = j->ops->poll(j, now);

			/* Charge a job only when it did work: one TSC read
			 * per busy job, none for idle ones. */
			if (n) {
				uint64_t t = rte_rdtsc();

				j->busy_cycles += t - now;
				now = t;
				moved += n;
			}
		}
		rte_rcu_qsbr_quiescent(qsbr, w->index);
		end = rte_rdtsc();
		w->stats.loops++;
		if (moved) {
			w->stats.busy_cycles += end - start;
			w->stats.packets += moved;
			idle_loops = 0;
		} else {
			if (!w->busy_poll && ++idle_loops > IDLE_SPIN_LOOPS) {
				/* idle_loops stays high: still idle after the
				 * wake-up means straight back to sleep. */
				idle_wait(w, plan);
				end = rte_rdtsc();
			}
			w->stats.idle_cycles += end - start;
		}
		start = end;
	}
	rte_rcu_qsbr_thread_offline(qsbr, w->index);
	rte_rcu_qsbr_thread_unregister(qsbr, w->index);
	return 0;
}

static struct worker_plan *plan_alloc(unsigned int n)
{
	struct worker_plan *p = malloc(sizeof(*p) + n * sizeof(p->jobs[0]));

	if (p != NULL)
		p->n = n;
	return p;
}

static void plan_publish(struct worker *w, struct worker_plan *next)
{
	struct worker_plan *old = __atomic_exchange_n(&w->plan, next, __ATOMIC_ACQ_REL);

	worker_synchronize();
	free(old);
}

int worker_plan_add(struct worker *w, struct worker_job *job)
{
	const struct worker_plan *cur = w->plan;
	struct worker_plan *next = plan_alloc(cur->n + 1);

	if (next == NULL)
		return -ENOMEM;
	memcpy(next->jobs, cur->jobs, cur->n * sizeof(cur->jobs[0]));
	next->jobs[cur->n] = job;
	plan_publish(w, next);
	job->worker = w;
	return 0;
}

int worker_plan_remove(struct worker *w, struct worker_job *job)
{
	const struct worker_plan *cur = w->plan;
	struct worker_plan *next = plan_alloc(cur->n);

	if (next == NULL)
		return -ENOMEM;
	next->n = 0;
	for (unsigned int i = 0; i < cur->n; i++)
		if (cur->jobs[i] != job)
			next->jobs[next->n++] = cur->jobs[i];
	plan_publish(w, next);
	job->worker = NULL;
	return 0;
}

int workers_start(const unsigned int *cpus, unsigned int n_cpus, bool busy_poll)
{
	unsigned int lcore, i = 0;
	size_t size;

	nb_workers = rte_lcore_count() - 1;
	if (nb_workers == 0 || nb_workers > XVIO_MAX_WORKERS) {
		XVIO_LOG(ERR, "need 1 to %d worker lcores, have %u", XVIO_MAX_WORKERS,
			 nb_workers);
		return -EINVAL;
	}
	size = rte_rcu_qsbr_get_memsize(nb_workers);
	qsbr = rte_zmalloc("xvio_qsbr", size, RTE_CACHE_LINE_SIZE);
	if (qsbr == NULL || rte_rcu_qsbr_init(qsbr, nb_workers) != 0)
		return -ENOMEM;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct worker *w = &workers[i];

		w->index = i;
		w->lcore_id = lcore;
		w->cpu = i < n_cpus ? cpus[i] : (unsigned int)-1;
		w->busy_poll = busy_poll;
		w->plan = plan_alloc(0);
		w->idle = malloc(sizeof(*w->idle));
		w->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (w->plan == NULL || w->idle == NULL || w->wake_fd < 0)
			return -ENOMEM;
		i++;
	}
	for (i = 0; i < nb_workers; i++) {
		if (workers[i].cpu == (unsigned int)-1) {
			rte_cpuset_t set = rte_lcore_cpuset(workers[i].lcore_id);

			for (unsigned int c = 0; c < CPU_SETSIZE; c++)
				if (CPU_ISSET(c, &set)) {
					workers[i].cpu = c;
					break;
				}
		}
		if (rte_eal_remote_launch(worker_main, &workers[i], workers[i].lcore_id) != 0)
			return -EBUSY;
	}
	return 0;
}

void workers_stop(void)
{
	for (unsigned int i = 0; i < nb_workers; i++)
		__atomic_store_n(&workers[i].stop, true, __ATOMIC_RELAXED);
	worker_kick_all();
	rte_eal_mp_wait_lcore();
	for (unsigned int i = 0; i < nb_workers; i++) {
		free(workers[i].plan);
		workers[i].plan = NULL;
		free(workers[i].idle);
		close(workers[i].wake_fd);
	}
	rte_free(qsbr);
	qsbr = NULL;
}
