// TCP_CHECK's connect-then-close (keepalived check_tcp.c) without a libuv handle per check: the
// sockets of all checks in flight sit in one private epoll set, and that set's fd is the only thing
// libuv polls (HTTP_GET's sockets, http_check.c, sit in it too: their events carry a tag in the high
// 32 bits of epoll_data). Per check: socket, connect, epoll_ctl(ADD), getsockopt(SO_ERROR), close (close drops
// it from the set); the completions of one wakeup reach JavaScript in one call. Timeouts are the
// caller's (it cancels a slot), as are retries and logging.
#define NAPI_VERSION 8
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcp_check.h"

/* Most completions handed to JavaScript per call: [slot, gen, status] triples in the caller's Int32Array. */
#define HARVEST 256

typedef struct {
  int fd; /* -1: free */
  int32_t gen;
} slot_t;

struct tcpc {
  napi_env env;
  int epfd;
  uv_poll_t poll;
  slot_t *slots;
  uint32_t nslots;
  int32_t *results; /* the JS Int32Array's memory */
  size_t cap;       /* triples it holds */
  napi_ref results_ref, cb;
  napi_async_context ctx;
  napi_async_cleanup_hook_handle cleanup;
  http_set_t *http; /* HTTP_GET's slots in the same epoll set (http_check.c), NULL until httpCheckInit */
};

static napi_value tthrow(napi_env env, const char *msg) {
  napi_throw_error(env, NULL, msg);
  return NULL;
}

static napi_value num_errno(napi_env env, int err) {
  napi_value v;
  napi_create_int32(env, -err, &v);
  return v;
}

tcpc_t *tcp_check_state(napi_env env) {
  void *p = NULL;
  napi_get_instance_data(env, &p);
  return (tcpc_t *)p;
}

void check_set_call(tcpc_t *t, napi_ref cbref, size_t argc, napi_value *argv) {
  napi_env env = t->env;
  napi_value cb, global, result;
  napi_get_reference_value(env, cbref, &cb);
  napi_get_global(env, &global);
  if (napi_make_callback(env, t->ctx, global, cb, argc, argv, &result) == napi_pending_exception) {
    napi_value exc;
    napi_get_and_clear_last_exception(env, &exc);
    napi_fatal_exception(env, exc);
  }
}

int check_set_epfd(tcpc_t *t) { return t->epfd; }

static void deliver(tcpc_t *t, size_t n) {
  napi_value argv[1];
  napi_create_uint32(t->env, (uint32_t)n, &argv[0]);
  check_set_call(t, t->cb, 1, argv);
}

/* Slot `s`'s connect ended (its socket is ready with `events`): closes it and writes result triple `n`. */
static void complete(tcpc_t *t, uint32_t s, uint32_t events, size_t n) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(t->slots[s].fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
  /* Writable without an error is a completed connect; a hang-up without one is a failure too. */
  if (!err && !(events & EPOLLOUT)) err = ECONNRESET;
  close(t->slots[s].fd);
  t->slots[s].fd = -1;
  t->results[3 * n] = (int32_t)s;
  t->results[3 * n + 1] = t->slots[s].gen;
  t->results[3 * n + 2] = -err;
}

static void on_ready(uv_poll_t *h, int status, int events) {
  tcpc_t *t = (tcpc_t *)h->data;
  struct epoll_event ev[HARVEST];
  /* One harvest is delivered whole before the next is read, so no event of a slot that JavaScript
   * has since cancelled and started again can be taken for the new check. */
  int max = t->cap < HARVEST ? (int)t->cap : HARVEST;
  napi_handle_scope scope;
  napi_open_handle_scope(t->env, &scope);
  /* Bounded: at most 16 harvests per wakeup keeps the loop fair; the rest stay ready for the next. */
  for (int round = 0; round < 16; round++) {
    int k = epoll_wait(t->epfd, ev, max, 0);
    if (k <= 0) break;
    size_t n = 0;
    for (int i = 0; i < k; i++) {
      if (ev[i].data.u64 >> 32) {
        if (t->http) http_check_event(t->http, (uint32_t)ev[i].data.u64, ev[i].events);
        continue;
      }
      uint32_t s = ev[i].data.u32;
      if (s >= t->nslots || t->slots[s].fd < 0) continue;
      complete(t, s, ev[i].events, n++);
    }
    if (n) deliver(t, n);
    if (t->http) http_check_flush(t->http);
    if (k < max) break;
  }
  napi_close_handle_scope(t->env, scope);
}

static void on_poll_closed(uv_handle_t *h) {
  tcpc_t *t = (tcpc_t *)h->data;
  napi_remove_async_cleanup_hook(t->cleanup);
  free(t->slots);
  free(t);
}

/* Environment teardown (process exit, a worker ending): the poll handle must be closed before the loop. */
static void cleanup(napi_async_cleanup_hook_handle handle, void *arg) {
  tcpc_t *t = (tcpc_t *)arg;
  for (uint32_t i = 0; i < t->nslots; i++)
    if (t->slots[i].fd >= 0) close(t->slots[i].fd);
  if (t->http) http_check_free(t->http);
  t->http = NULL;
  uv_close((uv_handle_t *)&t->poll, on_poll_closed);
  close(t->epfd);
}

/* tcpCheckInit(results: Int32Array, cb: (n) => void): once per environment. */
static napi_value tcp_check_init(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  if (tcp_check_state(env)) return tthrow(env, "tcpCheckInit: already initialised");
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_int32_array || length < 3)
    return tthrow(env, "tcpCheckInit: results must be an Int32Array of at least 3");
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) return tthrow(env, "tcpCheckInit: no event loop");
  tcpc_t *t = calloc(1, sizeof *t);
  if (!t) return tthrow(env, "tcpCheckInit: out of memory");
  t->env = env;
  t->results = data;
  t->cap = length / 3;
  t->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (t->epfd < 0 || uv_poll_init(loop, &t->poll, t->epfd) != 0) {
    if (t->epfd >= 0) close(t->epfd);
    free(t);
    return tthrow(env, "tcpCheckInit: epoll set unavailable");
  }
  t->poll.data = t;
  /* Never what keeps the process alive: the caller's timeouts are. */
  uv_poll_start(&t->poll, UV_READABLE, on_ready);
  uv_unref((uv_handle_t *)&t->poll);
  napi_value name;
  napi_create_reference(env, argv[0], 1, &t->results_ref);
  napi_create_reference(env, argv[1], 1, &t->cb);
  napi_create_string_utf8(env, "keepalived_net.tcpCheck", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, argv[1], name, &t->ctx);
  napi_set_instance_data(env, t, NULL, NULL);
  napi_add_async_cleanup_hook(env, cleanup, t, &t->cleanup);
  return NULL;
}

bool check_start_args(napi_env env, napi_value *argv, uint32_t *slot, int32_t *token, char *ip, size_t ipsize, uint32_t *port, bool *v6) {
  size_t iplen;
  return napi_get_value_uint32(env, argv[0], slot) == napi_ok && napi_get_value_int32(env, argv[1], token) == napi_ok &&
         napi_get_value_string_utf8(env, argv[2], ip, ipsize, &iplen) == napi_ok && napi_get_value_uint32(env, argv[3], port) == napi_ok &&
         napi_get_value_bool(env, argv[4], v6) == napi_ok;
}

bool check_slots_grow(void **slots, uint32_t *nslots, size_t size, uint32_t slot, uint32_t first) {
  if (slot < *nslots) return true;
  uint32_t n = *nslots ? *nslots : first;
  while (n <= slot) n *= 2;
  void *s = realloc(*slots, n * size);
  if (!s) return false;
  memset((char *)s + *nslots * size, 0, (n - *nslots) * size);
  *slots = s;
  *nslots = n;
  return true;
}

int check_set_connect(tcpc_t *t, const char *ip, uint32_t port, bool v6, uint64_t data, int *fdp) {
  struct sockaddr_storage sa;
  socklen_t salen;
  memset(&sa, 0, sizeof sa);
  if (v6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&sa;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, ip, &a->sin6_addr) != 1) return EINVAL;
    salen = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&sa;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, ip, &a->sin_addr) != 1) return EINVAL;
    salen = sizeof *a;
  }
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  struct epoll_event ev = {.events = EPOLLOUT, .data.u64 = data};
  if ((connect(fd, (struct sockaddr *)&sa, salen) < 0 && errno != EINPROGRESS) || epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
    int err = errno;
    close(fd);
    return err;
  }
  *fdp = fd;
  return 0;
}

/*
 * tcpCheckStart(slot, gen, ip, port, v6) -> 0, or -errno when the check failed at once (keepalived's
 * connect() < 0: no route, bad address). The result comes later as [slot, gen, 0 | -errno].
 */
static napi_value tcp_check_start(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!get_args(env, info, 5, argv)) return NULL;
  tcpc_t *t = tcp_check_state(env);
  if (!t) return tthrow(env, "tcpCheckStart: tcpCheckInit first");
  uint32_t slot, port;
  int32_t gen;
  bool v6;
  char ip[64];
  if (!check_start_args(env, argv, &slot, &gen, ip, sizeof ip, &port, &v6)) return tthrow(env, "tcpCheckStart: bad arguments");
  uint32_t had = t->nslots;
  if (!check_slots_grow((void **)&t->slots, &t->nslots, sizeof *t->slots, slot, 64)) return tthrow(env, "tcpCheckStart: out of memory");
  for (uint32_t i = had; i < t->nslots; i++) t->slots[i].fd = -1;
  slot_t *s = &t->slots[slot];
  if (s->fd >= 0) close(s->fd);
  s->fd = -1;
  s->gen = gen;
  int fd;
  int err = check_set_connect(t, ip, port, v6, slot, &fd);
  if (err) return num_errno(env, err);
  s->fd = fd;
  return num_errno(env, 0);
}

/* tcpCheckCancel(slot): closes the slot's socket without a result; idempotent. */
static napi_value tcp_check_cancel(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  tcpc_t *t = tcp_check_state(env);
  uint32_t slot;
  if (!t || napi_get_value_uint32(env, argv[0], &slot) != napi_ok || slot >= t->nslots) return NULL;
  if (t->slots[slot].fd >= 0) {
    close(t->slots[slot].fd);
    t->slots[slot].fd = -1;
  }
  return NULL;
}

/*
 * checkPoll(slot, http) -> true when the TCP (http false) or HTTP slot's socket was ready: its step is
 * taken and any result delivered before this returns, as from a wakeup; else false. For a
 * connect_timeout that expires while the slot's event waits unharvested in the set (a wakeup takes at
 * most 16 harvests): keepalived takes a ready fd over its expired timer. Only outside a delivery (the
 * results arrays are free then).
 */
static napi_value check_poll(napi_env env, napi_callback_info info) {
  napi_value argv[2], out;
  if (!get_args(env, info, 2, argv)) return NULL;
  tcpc_t *t = tcp_check_state(env);
  uint32_t slot, events;
  bool http, ready = false;
  if (t && napi_get_value_uint32(env, argv[0], &slot) == napi_ok && napi_get_value_bool(env, argv[1], &http) == napi_ok) {
    if (http) ready = t->http && http_check_poll_slot(t->http, slot);
    else if (slot < t->nslots && t->slots[slot].fd >= 0 && (events = check_fd_ready(t->slots[slot].fd, POLLOUT))) {
      complete(t, slot, events, 0);
      deliver(t, 1);
      ready = true;
    }
  }
  napi_get_boolean(env, ready, &out);
  return out;
}

uint32_t check_fd_ready(int fd, short events) {
  struct pollfd p = {.fd = fd, .events = events};
  /* poll's POLLIN/POLLOUT/POLLERR/POLLHUP are epoll's EPOLL* of the same names and values. */
  return poll(&p, 1, 0) > 0 ? (uint32_t)p.revents : 0;
}

napi_value tcp_check_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"tcpCheckInit", NULL, tcp_check_init, NULL, NULL, NULL, napi_enumerable, NULL},
      {"tcpCheckStart", NULL, tcp_check_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"tcpCheckCancel", NULL, tcp_check_cancel, NULL, NULL, NULL, napi_enumerable, NULL},
      {"checkPoll", NULL, check_poll, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return http_check_register(env, exports);
}

void check_set_attach_http(tcpc_t *t, http_set_t *h) { t->http = h; }
http_set_t *check_set_http(tcpc_t *t) { return t->http; }
