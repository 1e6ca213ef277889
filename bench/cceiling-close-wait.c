/* The C epoll server of ../shared/tools/cceiling.c with one change: after the third reply it
 * leaves the closing to the client, as msnp-dispatch does (its close-wait, clients.md point 8),
 * and closes when it reads the client's end of stream. The same handshake with the close in the
 * order the server under test uses; bench/run.sh runs it beside the original. N threads, each with its
 * own SO_REUSEPORT listener and epoll set. No parsing beyond counting LF.
 * Build: cc -O2 -pthread -o cceiling cceiling.c   Run: ./cceiling PORT [THREADS] */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *R[3] = {
    "VER 1 MSNP8 CVR0\r\n",
    "CVR 2 6.0.0602 6.0.0602 6.0.0602 http://messenger.msn.com http://messenger.msn.com\r\n",
    "XFR 3 NS 127.0.0.1:1864 0 127.0.0.1:1863\r\n",
};
static int port;
static unsigned char lines[1 << 20];   /* lines answered per fd */

static void *loop(void *arg) {
    (void)arg;
    int one = 1, ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(ls, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(ls, (void *)&a, sizeof a) || listen(ls, 4096)) { perror("bind/listen"); exit(1); }
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls}, evs[256];
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    char buf[4096];
    for (;;) {
        int n = epoll_wait(ep, evs, 256, -1);
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == ls) {
                int c;
                while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    lines[c] = 0;
                    struct epoll_event ce = {.events = EPOLLIN, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
                }
                continue;
            }
            ssize_t r = read(fd, buf, sizeof buf);
            if (r <= 0) { close(fd); continue; }   /* the client closed (after the XFR: the usual end) */
            for (ssize_t k = 0; k < r; k++) {
                if (buf[k] != '\n') continue;
                int l = lines[fd]++;
                if (l < 3 && write(fd, R[l], strlen(R[l])) < 0) { close(fd); break; }
                if (l >= 2) break;   /* answered: input after it is read and dropped */
            }
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s PORT [THREADS]\n", argv[0]); return 2; }
    port = atoi(argv[1]);
    int t = argc > 2 ? atoi(argv[2]) : 2;
    printf("cceiling pid %d port %d threads %d\n", getpid(), port, t);
    fflush(stdout);
    pthread_t th[64];
    for (int i = 0; i < t; i++) pthread_create(&th[i], NULL, loop, NULL);
    pthread_join(th[0], NULL);
    return 0;
}
