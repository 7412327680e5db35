// HTTP_GET's plain-HTTP exchange (keepalived check_http.c: connect, send the request, read until the
// server closes) in the TCP check's epoll set (tcp_check.c): no libuv handle, stream or timer per
// check. C only moves bytes: the response reaches JavaScript as Buffers (parsing, digest and the
// verdict stay in src/check/http-codec.ts), at the end or every CHUNK bytes for a long body, and the
// per-step connect_timeout is the caller's (it asks httpCheckIdle() how long the slot made no progress).
#define NAPI_VERSION 8
#define _GNU_SOURCE
#include <node_api.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tcp_check.h"

/* Bytes read into a slot before they go to JavaScript as one piece (the body may go on). */
#define CHUNK (64 * 1024)
/* Results per delivery: [slot, token, kind, errno] quadruples. */
#define MAXOUT 256
#define TAG (1ull << 32)

enum { CONNECTING, WRITING, READING };
/* What a delivered result is: the check ended (connect failed, read/write error, EOF) or a piece of a long body. */
enum { K_CONNECT_FAILED = 1, K_IO_ERROR = 2, K_EOF = 3, K_MORE = 4 };

typedef struct {
  int fd; /* -1: free */
  int32_t token;
  int phase;
  char *req;
  uint32_t reqlen, reqoff;
  char *buf;
  uint32_t len;
  int64_t progress_ms; /* CLOCK_MONOTONIC of the last I/O step (connect, write, read) */
} hslot_t;

struct http_set {
  tcpc_t *set;
  napi_env env;
  hslot_t *slots;
  uint32_t nslots;
  int32_t *results; /* the JS Int32Array's memory, MAXOUT quadruples */
  napi_ref results_ref, cb;
  napi_value pending; /* this harvest's Buffers (a JS array), or NULL */
  uint32_t n;
};

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static napi_value hthrow(napi_env env, const char *msg) {
  napi_throw_error(env, NULL, msg);
  return NULL;
}

static napi_value i32(napi_env env, int32_t v) {
  napi_value r;
  napi_create_int32(env, v, &r);
  return r;
}

static http_set_t *the_set(napi_env env) {
  tcpc_t *t = tcp_check_state(env);
  return t ? check_set_http(t) : NULL;
}

static void release(hslot_t *s) {
  if (s->fd >= 0) close(s->fd);
  s->fd = -1;
  free(s->req);
  s->req = NULL;
  free(s->buf);
  s->buf = NULL;
  s->len = 0;
}

void http_check_flush(http_set_t *h) {
  if (!h->n) return;
  napi_value argv[2];
  napi_create_uint32(h->env, h->n, &argv[0]);
  argv[1] = h->pending;
  h->n = 0;
  h->pending = NULL;
  check_set_call(h->set, h->cb, 2, argv);
}

/* Queues a result of slot `i`, with the bytes read since its last result; `end` closes the slot. */
static void emit(http_set_t *h, uint32_t i, int kind, int err) {
  hslot_t *s = &h->slots[i];
  if (h->n == MAXOUT) http_check_flush(h);
  if (!h->pending) napi_create_array_with_length(h->env, MAXOUT, &h->pending);
  int32_t *r = h->results + 4 * h->n;
  r[0] = (int32_t)i;
  r[1] = s->token;
  r[2] = kind;
  r[3] = err;
  if (s->len) {
    napi_value b;
    void *data;
    napi_create_buffer_copy(h->env, s->len, s->buf, &data, &b);
    napi_set_element(h->env, h->pending, h->n, b);
    s->len = 0;
  }
  h->n++;
  if (kind != K_MORE) release(s);
}

static void to_reading(http_set_t *h, uint32_t i) {
  hslot_t *s = &h->slots[i];
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TAG | i};
  if (epoll_ctl(check_set_epfd(h->set), EPOLL_CTL_MOD, s->fd, &ev) < 0) return emit(h, i, K_IO_ERROR, errno);
  s->phase = READING;
  free(s->req);
  s->req = NULL;
}

static void do_write(http_set_t *h, uint32_t i) {
  hslot_t *s = &h->slots[i];
  while (s->reqoff < s->reqlen) {
    ssize_t w = send(s->fd, s->req + s->reqoff, s->reqlen - s->reqoff, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EAGAIN || errno == EINTR) return;
      return emit(h, i, K_IO_ERROR, errno);
    }
    s->reqoff += (uint32_t)w;
    s->progress_ms = now_ms();
  }
  to_reading(h, i);
}

/* Reads what is there, at most up to a full CHUNK (delivered, the rest next wakeup: fair to other slots). */
static void do_read(http_set_t *h, uint32_t i) {
  hslot_t *s = &h->slots[i];
  if (!s->buf && !(s->buf = malloc(CHUNK))) return emit(h, i, K_IO_ERROR, ENOMEM);
  for (;;) {
    ssize_t r = recv(s->fd, s->buf + s->len, CHUNK - s->len, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
      return emit(h, i, K_IO_ERROR, errno);
    }
    if (r == 0) return emit(h, i, K_EOF, 0);
    s->len += (uint32_t)r;
    s->progress_ms = now_ms();
    if (s->len == CHUNK) return emit(h, i, K_MORE, 0);
  }
}

void http_check_event(http_set_t *h, uint32_t i, uint32_t events) {
  if (i >= h->nslots || h->slots[i].fd < 0) return;
  hslot_t *s = &h->slots[i];
  if (s->phase == CONNECTING) {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
    if (!err && !(events & EPOLLOUT)) err = ECONNRESET;
    if (err) return emit(h, i, K_CONNECT_FAILED, err);
    s->phase = WRITING;
    s->progress_ms = now_ms();
    return do_write(h, i);
  }
  if (s->phase == WRITING) {
    if (events & EPOLLERR) {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
      return emit(h, i, K_IO_ERROR, err ? err : EPIPE);
    }
    return do_write(h, i);
  }
  do_read(h, i);
}

void http_check_free(http_set_t *h) {
  for (uint32_t i = 0; i < h->nslots; i++) release(&h->slots[i]);
  free(h->slots);
  free(h);
}

/* httpCheckInit(results: Int32Array of 4 x 256, cb: (n, buffers) => void): after tcpCheckInit, once. */
static napi_value http_check_init(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!get_args(env, info, 2, argv)) return NULL;
  tcpc_t *t = tcp_check_state(env);
  if (!t) return hthrow(env, "httpCheckInit: tcpCheckInit first");
  if (the_set(env)) return hthrow(env, "httpCheckInit: already initialised");
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_int32_array || length < 4 * MAXOUT)
    return hthrow(env, "httpCheckInit: results must be an Int32Array of at least 1024");
  http_set_t *h = calloc(1, sizeof *h);
  if (!h) return hthrow(env, "httpCheckInit: out of memory");
  h->set = t;
  h->env = env;
  h->results = data;
  napi_create_reference(env, argv[0], 1, &h->results_ref);
  napi_create_reference(env, argv[1], 1, &h->cb);
  check_set_attach_http(t, h);
  return NULL;
}

/*
 * httpCheckStart(slot, token, ip, port, v6, request: Buffer) -> 0, or -errno when the connect failed at
 * once (keepalived's connect() < 0). Results come later as [slot, token, kind, errno] with the bytes.
 */
static napi_value http_check_start(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!get_args(env, info, 6, argv)) return NULL;
  http_set_t *h = the_set(env);
  if (!h) return hthrow(env, "httpCheckStart: httpCheckInit first");
  uint32_t slot, port;
  int32_t token;
  bool v6;
  char ip[64];
  size_t reqlen;
  void *req;
  if (!check_start_args(env, argv, &slot, &token, ip, sizeof ip, &port, &v6) || napi_get_buffer_info(env, argv[5], &req, &reqlen) != napi_ok)
    return hthrow(env, "httpCheckStart: bad arguments");
  uint32_t had = h->nslots;
  if (!check_slots_grow((void **)&h->slots, &h->nslots, sizeof *h->slots, slot, 16)) return hthrow(env, "httpCheckStart: out of memory");
  for (uint32_t i = had; i < h->nslots; i++) h->slots[i].fd = -1;
  hslot_t *s = &h->slots[slot];
  release(s);
  s->token = token;
  if (!(s->req = malloc(reqlen ? reqlen : 1))) return i32(env, -ENOMEM);
  memcpy(s->req, req, reqlen);
  s->reqlen = (uint32_t)reqlen;
  s->reqoff = 0;
  int fd;
  int err = check_set_connect(h->set, ip, port, v6, TAG | slot, &fd);
  if (err) {
    release(s);
    return i32(env, -err);
  }
  s->fd = fd;
  s->phase = CONNECTING;
  s->progress_ms = now_ms();
  return i32(env, 0);
}

/* httpCheckIdle(slot) -> ms since the slot's last I/O step; -1 when free. */
static napi_value http_check_idle(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  http_set_t *h = the_set(env);
  uint32_t slot;
  if (!h || napi_get_value_uint32(env, argv[0], &slot) != napi_ok || slot >= h->nslots || h->slots[slot].fd < 0) return i32(env, -1);
  return i32(env, (int32_t)(now_ms() - h->slots[slot].progress_ms));
}

bool http_check_poll_slot(http_set_t *h, uint32_t slot) {
  if (slot >= h->nslots || h->slots[slot].fd < 0) return false;
  uint32_t events = check_fd_ready(h->slots[slot].fd, h->slots[slot].phase == READING ? POLLIN : POLLOUT);
  if (!events) return false;
  http_check_event(h, slot, events);
  http_check_flush(h);
  return true;
}

/*
 * httpCheckCancel(slot) -> null when it was still connecting, else a Buffer of the bytes read since its
 * last result (a timeout's text depends on both); closes the slot. undefined when free.
 */
static napi_value http_check_cancel(napi_env env, napi_callback_info info) {
  napi_value argv[1], out = NULL;
  if (!get_args(env, info, 1, argv)) return NULL;
  http_set_t *h = the_set(env);
  uint32_t slot;
  if (!h || napi_get_value_uint32(env, argv[0], &slot) != napi_ok || slot >= h->nslots || h->slots[slot].fd < 0) return NULL;
  hslot_t *s = &h->slots[slot];
  if (s->phase == CONNECTING) napi_get_null(env, &out);
  else {
    void *data;
    napi_create_buffer_copy(env, s->len, s->len ? s->buf : "", &data, &out);
  }
  release(s);
  return out;
}

napi_value http_check_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"httpCheckInit", NULL, http_check_init, NULL, NULL, NULL, napi_enumerable, NULL},
      {"httpCheckStart", NULL, http_check_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"httpCheckIdle", NULL, http_check_idle, NULL, NULL, NULL, napi_enumerable, NULL},
      {"httpCheckCancel", NULL, http_check_cancel, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
