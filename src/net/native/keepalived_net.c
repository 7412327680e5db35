// Minimal socket syscalls Node cannot make: AF_PACKET frames (gratuitous ARP,
// unsolicited NA, as keepalived's vrrp_arp.c / vrrp_ndisc.c) and IPv6 raw sockets
// with recvmsg/sendmsg ancillary data (hop limit, pktinfo; keepalived vrrp.c).
// Policy (which options, which addresses) lives in TypeScript; this file only
// wraps syscalls and reports errno as "syscall: strerror".
#define NAPI_VERSION 8
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcp_check.h"

#define CHECK(call)                                                                 \
  do {                                                                              \
    if ((call) != napi_ok) {                                                        \
      napi_throw_error(env, NULL, "keepalived_net: N-API call failed: " #call);     \
      return NULL;                                                                  \
    }                                                                               \
  } while (0)

/* Error.message = "what: strerror", Error.code = the errno number as a string. */
static napi_value throw_errno(napi_env env, const char *what) {
  int err = errno;
  char msg[256], code[16];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  snprintf(code, sizeof code, "%d", err);
  napi_throw_error(env, code, msg);
  return NULL;
}

bool get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, NULL, "keepalived_net: missing arguments");
    return false;
  }
  return true;
}

static bool get_i32(napi_env env, napi_value v, int32_t *out) {
  if (napi_get_value_int32(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "keepalived_net: expected a number");
    return false;
  }
  return true;
}

/* Buffer of exactly `len` bytes (len 0 = any length); null/undefined gives data NULL. */
static bool get_buf(napi_env env, napi_value v, size_t len, void **data, size_t *out_len, bool nullable) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (nullable && (t == napi_null || t == napi_undefined)) {
    *data = NULL;
    if (out_len) *out_len = 0;
    return true;
  }
  bool is_buf = false;
  size_t n = 0;
  if (napi_is_buffer(env, v, &is_buf) != napi_ok || !is_buf ||
      napi_get_buffer_info(env, v, data, &n) != napi_ok || (len && n != len)) {
    napi_throw_type_error(env, NULL, "keepalived_net: expected a Buffer of the right length");
    return false;
  }
  if (out_len) *out_len = n;
  return true;
}

static bool one_i32(napi_env env, napi_callback_info info, int32_t *out) {
  napi_value argv[1];
  return get_args(env, info, 1, argv) && get_i32(env, argv[0], out);
}

static napi_value num(napi_env env, double d) {
  napi_value v;
  napi_create_double(env, d, &v);
  return v;
}

/* packetSocket(): AF_PACKET/SOCK_RAW with protocol 0, so it receives nothing (send only). */
static napi_value packet_socket(napi_env env, napi_callback_info info) {
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return throw_errno(env, "socket(AF_PACKET)");
  return num(env, fd);
}

/* packetSend(fd, ifindex, frame): frame carries its own Ethernet header. */
static napi_value packet_send(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd, ifindex;
  void *data;
  size_t len;
  if (!get_args(env, info, 3, argv) || !get_i32(env, argv[0], &fd) || !get_i32(env, argv[1], &ifindex) ||
      !get_buf(env, argv[2], 0, &data, &len, false))
    return NULL;
  if (len < ETH_HLEN) {
    napi_throw_range_error(env, NULL, "packetSend: frame shorter than an Ethernet header");
    return NULL;
  }
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_ifindex = ifindex;
  memcpy(&sll.sll_protocol, (const char *)data + 12, 2); /* ethertype, already network order */
  sll.sll_halen = ETH_ALEN;
  memcpy(sll.sll_addr, data, ETH_ALEN);
  ssize_t n = sendto(fd, data, len, 0, (struct sockaddr *)&sll, sizeof sll);
  if (n < 0) return throw_errno(env, "sendto(AF_PACKET)");
  return num(env, (double)n);
}

/* ip6RawSocket(protocol) */
static napi_value ip6_raw_socket(napi_env env, napi_callback_info info) {
  int32_t proto;
  if (!one_i32(env, info, &proto)) return NULL;
  int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);
  if (fd < 0) return throw_errno(env, "socket(AF_INET6, SOCK_RAW)");
  return num(env, fd);
}

/* setsockoptInt(fd, level, option, value) */
static napi_value setsockopt_int(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t fd, level, opt, val;
  if (!get_args(env, info, 4, argv) || !get_i32(env, argv[0], &fd) || !get_i32(env, argv[1], &level) ||
      !get_i32(env, argv[2], &opt) || !get_i32(env, argv[3], &val))
    return NULL;
  int v = val;
  if (setsockopt(fd, level, opt, &v, sizeof v) < 0) return throw_errno(env, "setsockopt");
  return NULL;
}

/* setsockoptBuf(fd, level, option, buffer): for ipv6_mreq, SO_BINDTODEVICE names. */
static napi_value setsockopt_buf(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t fd, level, opt;
  void *data;
  size_t len;
  if (!get_args(env, info, 4, argv) || !get_i32(env, argv[0], &fd) || !get_i32(env, argv[1], &level) ||
      !get_i32(env, argv[2], &opt) || !get_buf(env, argv[3], 0, &data, &len, false))
    return NULL;
  if (setsockopt(fd, level, opt, data, (socklen_t)len) < 0) return throw_errno(env, "setsockopt");
  return NULL;
}

static struct sockaddr_in6 sin6_of(const void *addr16, int32_t scope) {
  struct sockaddr_in6 sin6;
  memset(&sin6, 0, sizeof sin6);
  sin6.sin6_family = AF_INET6;
  memcpy(&sin6.sin6_addr, addr16, 16);
  sin6.sin6_scope_id = (uint32_t)scope;
  return sin6;
}

/* bind6(fd, addr16, scopeId) */
static napi_value bind6(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd, scope;
  void *addr;
  if (!get_args(env, info, 3, argv) || !get_i32(env, argv[0], &fd) || !get_buf(env, argv[1], 16, &addr, NULL, false) ||
      !get_i32(env, argv[2], &scope))
    return NULL;
  struct sockaddr_in6 sin6 = sin6_of(addr, scope);
  if (bind(fd, (struct sockaddr *)&sin6, sizeof sin6) < 0) return throw_errno(env, "bind");
  return NULL;
}

/* send6(fd, payload, dst16, scopeId, src16|null, ifindex): sendmsg with IPV6_PKTINFO
 * choosing source address and interface, as keepalived's vrrp_build_ancillary_data(). */
static napi_value send6(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  int32_t fd, scope, ifindex;
  void *payload, *dst, *src;
  size_t plen;
  if (!get_args(env, info, 6, argv) || !get_i32(env, argv[0], &fd) || !get_buf(env, argv[1], 0, &payload, &plen, false) ||
      !get_buf(env, argv[2], 16, &dst, NULL, false) || !get_i32(env, argv[3], &scope) ||
      !get_buf(env, argv[4], 16, &src, NULL, true) || !get_i32(env, argv[5], &ifindex))
    return NULL;
  struct sockaddr_in6 sin6 = sin6_of(dst, scope);
  struct iovec iov = {.iov_base = payload, .iov_len = plen};
  char cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo))] __attribute__((aligned(__alignof__(struct cmsghdr))));
  memset(cbuf, 0, sizeof cbuf);
  struct msghdr msg = {.msg_name = &sin6, .msg_namelen = sizeof sin6, .msg_iov = &iov, .msg_iovlen = 1};
  if (src || ifindex) {
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof cbuf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
    struct in6_pktinfo *pi = (struct in6_pktinfo *)CMSG_DATA(c);
    if (src) memcpy(&pi->ipi6_addr, src, 16);
    pi->ipi6_ifindex = (unsigned)ifindex;
  }
  ssize_t n = sendmsg(fd, &msg, 0);
  if (n < 0) return throw_errno(env, "sendmsg");
  return num(env, (double)n);
}

/* closeFd(fd) */
static napi_value close_fd(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!one_i32(env, info, &fd)) return NULL;
  if (close(fd) < 0) return throw_errno(env, "close");
  return NULL;
}

/* Receiver: a uv_poll on the fd; each datagram goes to cb(payload, src16, dst16, hopLimit, ifindex),
 * errors to cb(null, message). hopLimit/ifindex are -1 / 0 when the kernel gave no ancillary data. */
typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref cb;
  napi_async_context ctx;
  int fd;
  bool closed;
} receiver_t;

static void call_js(receiver_t *r, size_t argc, napi_value *argv) {
  napi_env env = r->env;
  napi_value cb, global, result;
  napi_get_reference_value(env, r->cb, &cb);
  napi_get_global(env, &global);
  if (napi_make_callback(env, r->ctx, global, cb, argc, argv, &result) == napi_pending_exception) {
    napi_value exc;
    napi_get_and_clear_last_exception(env, &exc);
    napi_fatal_exception(env, exc);
  }
}

static void on_readable(uv_poll_t *h, int status, int events) {
  receiver_t *r = (receiver_t *)h;
  napi_handle_scope scope;
  napi_open_handle_scope(r->env, &scope);
  napi_env env = r->env;
  if (status < 0) {
    napi_value argv[2];
    napi_get_null(env, &argv[0]);
    napi_create_string_utf8(env, uv_strerror(status), NAPI_AUTO_LENGTH, &argv[1]);
    call_js(r, 2, argv);
    napi_close_handle_scope(env, scope);
    return;
  }
  /* Bounded drain: at most 64 datagrams per wakeup keeps the event loop fair. */
  for (int i = 0; i < 64 && !r->closed; i++) {
    unsigned char buf[65536];
    char cbuf[256] __attribute__((aligned(__alignof__(struct cmsghdr))));
    struct sockaddr_in6 from;
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
    struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    ssize_t n = recvmsg(r->fd, &msg, MSG_DONTWAIT);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        napi_value argv[2];
        char m[200];
        snprintf(m, sizeof m, "recvmsg: %s", strerror(errno));
        napi_get_null(env, &argv[0]);
        napi_create_string_utf8(env, m, NAPI_AUTO_LENGTH, &argv[1]);
        call_js(r, 2, argv);
      }
      break;
    }
    int hoplimit = -1, ifindex = 0;
    unsigned char dst[16] = {0};
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != IPPROTO_IPV6) continue;
      if (c->cmsg_type == IPV6_HOPLIMIT) memcpy(&hoplimit, CMSG_DATA(c), sizeof hoplimit);
      if (c->cmsg_type == IPV6_PKTINFO) {
        struct in6_pktinfo pi;
        memcpy(&pi, CMSG_DATA(c), sizeof pi);
        memcpy(dst, &pi.ipi6_addr, 16);
        ifindex = (int)pi.ipi6_ifindex;
      }
    }
    napi_value argv[5];
    void *p;
    napi_create_buffer_copy(env, (size_t)n, buf, &p, &argv[0]);
    napi_create_buffer_copy(env, 16, &from.sin6_addr, &p, &argv[1]);
    napi_create_buffer_copy(env, 16, dst, &p, &argv[2]);
    argv[3] = num(env, hoplimit);
    argv[4] = num(env, ifindex);
    call_js(r, 5, argv);
  }
  napi_close_handle_scope(env, scope);
}

static void on_closed(uv_handle_t *h) { free(h); }

static void receiver_release(receiver_t *r) {
  if (r->closed) return;
  r->closed = true;
  uv_poll_stop(&r->poll);
  napi_delete_reference(r->env, r->cb);
  napi_async_destroy(r->env, r->ctx);
  uv_close((uv_handle_t *)&r->poll, on_closed);
}

/* recvStart(fd, cb) -> handle; the fd stays owned by the caller. */
static napi_value recv_start(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  if (!get_args(env, info, 2, argv) || !get_i32(env, argv[0], &fd)) return NULL;
  napi_valuetype t;
  napi_typeof(env, argv[1], &t);
  if (t != napi_function) {
    napi_throw_type_error(env, NULL, "recvStart: callback must be a function");
    return NULL;
  }
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  receiver_t *r = calloc(1, sizeof *r);
  if (!r) return throw_errno(env, "calloc");
  r->env = env;
  r->fd = fd;
  if (uv_poll_init(loop, &r->poll, fd) != 0) {
    free(r);
    napi_throw_error(env, NULL, "recvStart: uv_poll_init failed");
    return NULL;
  }
  napi_value resource, name, handle;
  CHECK(napi_create_object(env, &resource));
  CHECK(napi_create_string_utf8(env, "keepalived_net.recv", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, resource, name, &r->ctx));
  CHECK(napi_create_reference(env, argv[1], 1, &r->cb));
  uv_poll_start(&r->poll, UV_READABLE, on_readable);
  CHECK(napi_create_external(env, r, NULL, NULL, &handle));
  return handle;
}

/* recvStop(handle): stops polling; idempotent. */
static napi_value recv_stop(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  void *p;
  if (!get_args(env, info, 1, argv)) return NULL;
  CHECK(napi_get_value_external(env, argv[0], &p));
  receiver_release((receiver_t *)p);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"packetSocket", NULL, packet_socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"packetSend", NULL, packet_send, NULL, NULL, NULL, napi_enumerable, NULL},
      {"ip6RawSocket", NULL, ip6_raw_socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setsockoptInt", NULL, setsockopt_int, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setsockoptBuf", NULL, setsockopt_buf, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bind6", NULL, bind6, NULL, NULL, NULL, napi_enumerable, NULL},
      {"send6", NULL, send6, NULL, NULL, NULL, napi_enumerable, NULL},
      {"recvStart", NULL, recv_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"recvStop", NULL, recv_stop, NULL, NULL, NULL, napi_enumerable, NULL},
      {"closeFd", NULL, close_fd, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return tcp_check_register(env, exports);
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
