/*
 * zmq_trie.c - what libzmq's subscription tries cost at N subscriptions, on
 * the workload of bench/trie/workload.ts (same files, same order). libzmq has
 * no public API to its tries, so they are measured through sockets, in one
 * process, over inproc (no I/O thread on the data path):
 *
 *   sub   a ZMQ_SUB with no peer: zmq_setsockopt(ZMQ_SUBSCRIBE) adds the topic
 *         to the SUB's own trie (trie_t, src/trie.cpp, used to filter what it
 *         receives) and offers the subscription message to no pipe.
 *   xpub  then the SUB connects to a ZMQ_XPUB; it sends all its subscriptions
 *         (xsub_t's attach) and the XPUB, as zmq_recv is called, adds each to
 *         its trie (generic_mtrie_t, src/generic_mtrie_impl.hpp, the
 *         publisher-side filter, pipes per topic) and hands back the
 *         notification. The time is the XPUB's drain: trie insert + pipe
 *         read + notification.
 *   match the XPUB sends every message (zmq_send, ZMQ_DONTWAIT): the mtrie
 *         finds the pipes whose topics prefix it; the SUB reads nothing and
 *         its pipe (HWM 1) stays full, so matching messages are dropped after
 *         the match. The same loop on an XPUB with no subscriber gives the
 *         cost of zmq_send without the trie.
 *   unsub the SUB unsubscribes every topic (trie_t rm + the cancel into the
 *         pipe), then the XPUB drains the cancels (mtrie rm + notification).
 *
 * Memory: heap in use (glibc mallinfo2) and the resident set (/proc/self/
 * statm), each before and after; "bytes/sub" = difference / N.
 * Output: one line per measurement, tab-separated, like trie_bench.ts.
 *
 * Build: gcc -O2 -o zmq_trie bench/trie/zmq_trie.c -lzmq
 * Run:   ./zmq_trie bench/results/trie
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#define CHECK(x)                                                               \
    do {                                                                       \
        if ((x) < 0) {                                                         \
            fprintf (stderr, "%s: %s\n", #x, zmq_strerror (zmq_errno ()));     \
            exit (1);                                                          \
        }                                                                      \
    } while (0)

typedef struct
{
    char **s;
    size_t *len;
    size_t n;
} lines_t;

static lines_t read_lines (const char *dir, const char *name)
{
    char path[4096];
    snprintf (path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen (path, "rb");
    if (!f) {
        perror (path);
        exit (1);
    }
    fseek (f, 0, SEEK_END);
    long size = ftell (f);
    fseek (f, 0, SEEK_SET);
    char *buf = malloc (size + 1);
    if (fread (buf, 1, size, f) != (size_t) size)
        exit (1);
    fclose (f);
    buf[size] = 0;
    size_t count = 0;
    for (long i = 0; i < size; i++)
        count += buf[i] == '\n';
    lines_t l = {malloc (count * sizeof (char *)),
                 malloc (count * sizeof (size_t)), 0};
    char *p = buf;
    while (p < buf + size) {
        char *e = memchr (p, '\n', buf + size - p);
        if (!e)
            e = buf + size;
        if (e > p) {
            l.s[l.n] = p;
            l.len[l.n] = e - p;
            l.n++;
        }
        p = e + 1;
    }
    return l;
}

static double now (void)
{
    struct timespec t;
    clock_gettime (CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

typedef struct
{
    double heap, rss;
} mem_t;

static mem_t memory (void)
{
    struct mallinfo2 mi = mallinfo2 ();
    long pages = 0, resident = 0;
    FILE *f = fopen ("/proc/self/statm", "r");
    if (!f || fscanf (f, "%ld %ld", &pages, &resident) != 2)
        exit (1);
    fclose (f);
    mem_t m = {(double) mi.uordblks + (double) mi.hblkhd,
               (double) resident * sysconf (_SC_PAGESIZE)};
    return m;
}

static void print (const char *who, const char *measure, double value,
                   const char *unit)
{
    if (value >= 100)
        printf ("%s\tc\t%s\t%.0f\t%s\n", who, measure, value, unit);
    else
        printf ("%s\tc\t%s\t%.1f\t%s\n", who, measure, value, unit);
    fflush (stdout);
}

/* Receives `n` notifications from the XPUB; returns how many it got. */
static size_t drain (void *xpub, size_t n)
{
    char buf[256];
    size_t got = 0;
    while (got < n) {
        int rc = zmq_recv (xpub, buf, sizeof buf, 0);
        CHECK (rc);
        got++;
    }
    return got;
}

static double send_all (void *xpub, lines_t *m, int passes)
{
    double t = now ();
    for (int p = 0; p < passes; p++)
        for (size_t i = 0; i < m->n; i++)
            zmq_send (xpub, m->s[i], m->len[i], ZMQ_DONTWAIT);
    return now () - t;
}

int main (int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "bench/results/trie";
    int passes = getenv ("PASSES") ? atoi (getenv ("PASSES")) : 2;
    lines_t topics = read_lines (dir, "topics.txt");
    lines_t messages = read_lines (dir, "messages.txt");
    size_t n = topics.n;
    int zero = 0, one = 1;

    void *ctx = zmq_ctx_new ();
    void *sub = zmq_socket (ctx, ZMQ_SUB);
    void *xpub = zmq_socket (ctx, ZMQ_XPUB);
    void *lone = zmq_socket (ctx, ZMQ_XPUB); /* no subscriber: the baseline */
    CHECK (zmq_setsockopt (sub, ZMQ_SNDHWM, &zero, sizeof zero));
    CHECK (zmq_setsockopt (sub, ZMQ_RCVHWM, &one, sizeof one));
    CHECK (zmq_setsockopt (xpub, ZMQ_RCVHWM, &zero, sizeof zero));
    CHECK (zmq_setsockopt (xpub, ZMQ_SNDHWM, &one, sizeof one));
    CHECK (zmq_bind (xpub, "inproc://trie"));
    CHECK (zmq_bind (lone, "inproc://lone"));

    /* the SUB's trie_t, no peer */
    malloc_trim (0);
    mem_t m0 = memory ();
    double t = now ();
    for (size_t i = 0; i < n; i++)
        CHECK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, topics.s[i], topics.len[i]));
    double sub_s = now () - t;
    malloc_trim (0);
    mem_t m1 = memory ();
    print ("libzmq-sub", "subscriptions", (double) n, "topics");
    print ("libzmq-sub", "bytes/sub heap", (m1.heap - m0.heap) / n, "B");
    print ("libzmq-sub", "bytes/sub rss", (m1.rss - m0.rss) / n, "B");
    print ("libzmq-sub", "subscribe", n / sub_s, "/s");

    /* the XPUB's mtrie: the SUB sends its subscriptions on connecting */
    CHECK (zmq_connect (sub, "inproc://trie"));
    t = now ();
    drain (xpub, n);
    double xsub_s = now () - t;
    malloc_trim (0);
    mem_t m2 = memory ();
    print ("libzmq-xpub", "bytes/sub heap", (m2.heap - m1.heap) / n, "B");
    print ("libzmq-xpub", "bytes/sub rss", (m2.rss - m1.rss) / n, "B");
    print ("libzmq-xpub", "subscribe (drain)", n / xsub_s, "/s");

    /* matching at the XPUB */
    send_all (xpub, &messages, 1); /* warm-up */
    double match_s = send_all (xpub, &messages, passes);
    send_all (lone, &messages, 1);
    double lone_s = send_all (lone, &messages, passes);
    print ("libzmq-xpub", "match (zmq_send)", messages.n * passes / match_s,
           "/s");
    print ("libzmq-xpub", "zmq_send, no subscriber", messages.n * passes / lone_s,
           "/s");

    /* unsubscribing: the SUB, then the XPUB */
    t = now ();
    for (size_t i = 0; i < n; i++) {
        size_t k = (size_t) ((unsigned long long) i * 7919 % n);
        CHECK (zmq_setsockopt (sub, ZMQ_UNSUBSCRIBE, topics.s[k], topics.len[k]));
    }
    double unsub_s = now () - t;
    t = now ();
    drain (xpub, n);
    double xunsub_s = now () - t;
    malloc_trim (0);
    mem_t m3 = memory ();
    print ("libzmq-sub", "unsubscribe (+ cancel queued)", n / unsub_s, "/s");
    print ("libzmq-xpub", "unsubscribe (drain)", n / xunsub_s, "/s");
    print ("libzmq", "left after unsubscribing all, heap", (m3.heap - m0.heap) / 1024,
           "KiB");

    zmq_close (sub);
    zmq_close (xpub);
    zmq_close (lone);
    zmq_ctx_term (ctx);
    return 0;
}
