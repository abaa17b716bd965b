// The kernel's own loopback floor for `hallbench devices`: N client threads, each asking at
// its share of a total rate and waiting in poll(), against a one-thread epoll server that
// answers every 60-byte question with 1,000 bytes (an answer's size). What halld adds to
// the device latency is the rest.
//
//   gcc -O2 -pthread -Wall -o /tmp/loopback-floor scripts/loopback-floor.c
//   /tmp/loopback-floor [CLIENTS=50] [QUESTIONS_PER_SECOND=5000] [BUSY_NS_PER_ANSWER=0]
//
// The optional busy work models a server's own time per answer.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { QUESTION = 60, ANSWER = 1000, SECONDS = 4, MAX_CLIENTS = 1000 };

static int port, clients = 50;
static double rate = 5000;
static long long busy_ns, start;
static long long *latencies;
static int count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static void no_delay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void *server(void *arg) {
    int listener = (int)(long)arg, poller = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN, .data.fd = listener}, ready[64];
    char buffer[4096], answer[ANSWER];
    memset(answer, 2, sizeof answer);
    epoll_ctl(poller, EPOLL_CTL_ADD, listener, &event);
    for (;;) {
        int n = epoll_wait(poller, ready, 64, -1);
        for (int i = 0; i < n; i++) {
            int fd = ready[i].data.fd;
            if (fd == listener) {
                int connection = accept(listener, 0, 0);
                no_delay(connection);
                struct epoll_event e = {.events = EPOLLIN, .data.fd = connection};
                epoll_ctl(poller, EPOLL_CTL_ADD, connection, &e);
                continue;
            }
            if (recv(fd, buffer, sizeof buffer, 0) <= 0) {
                close(fd);
                continue;
            }
            for (long long until = now_ns() + busy_ns; now_ns() < until;) {}
            send(fd, answer, sizeof answer, 0);
        }
    }
    return 0;
}

static void *client(void *arg) {
    long index = (long)arg;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = htons(port)};
    connect(fd, (struct sockaddr *)&address, sizeof address);
    no_delay(fd);
    long long interval = (long long)(1e9 / (rate / clients));
    long long next = start + interval * index / clients, end = start + SECONDS * 1000000000LL;
    char question[QUESTION], buffer[4096];
    memset(question, 1, sizeof question);
    long long *mine = malloc(sizeof(long long) * (size_t)(SECONDS * rate / clients + 16));
    int k = 0;
    while (next < end) {
        struct timespec due = {next / 1000000000, next % 1000000000};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, 0);
        long long sent = now_ns();
        send(fd, question, sizeof question, 0);
        for (int got = 0; got < ANSWER;) {
            struct pollfd p = {fd, POLLIN, 0};
            poll(&p, 1, 50);
            int n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n > 0) got += n;
        }
        mine[k++] = now_ns() - sent;
        next += interval;
    }
    pthread_mutex_lock(&lock);
    memcpy(latencies + count, mine, sizeof(long long) * k);
    count += k;
    pthread_mutex_unlock(&lock);
    free(mine);
    close(fd);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1) clients = atoi(argv[1]);
    if (argc > 2) rate = atof(argv[2]);
    if (argc > 3) busy_ns = atoll(argv[3]);
    if (clients < 1 || clients > MAX_CLIENTS || rate <= 0) return 2;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    bind(listener, (struct sockaddr *)&address, sizeof address);
    getsockname(listener, (struct sockaddr *)&address, &length);
    port = ntohs(address.sin_port);
    listen(listener, 256);
    pthread_t server_thread, threads[MAX_CLIENTS];
    pthread_create(&server_thread, 0, server, (void *)(long)listener);
    latencies = malloc(sizeof(long long) * (size_t)(SECONDS * rate + 16 * clients));
    start = now_ns() + 200000000LL;  // everyone connected first
    for (long i = 0; i < clients; i++) pthread_create(&threads[i], 0, client, (void *)i);
    for (int i = 0; i < clients; i++) pthread_join(threads[i], 0);
    qsort(latencies, count, sizeof(long long), by_value);
    printf("loopback floor, %d clients, %.0f questions/s, %lld ns busy per answer: %d answers, p50 %.1f us, p90 %.1f us, p99 %.1f us\n",
           clients, rate, busy_ns, count, latencies[count / 2] / 1e3, latencies[count * 9 / 10] / 1e3, latencies[count * 99 / 100] / 1e3);
    return 0;
}
