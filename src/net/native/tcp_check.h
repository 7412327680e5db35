// TCP_CHECK's batched connect probe (tcp_check.c), registered on the addon's exports by init(), and
// the epoll set it shares with HTTP_GET's probe (http_check.c).
#pragma once
#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* keepalived_net.c: at least `want` arguments into argv, else a TypeError thrown and false. */
bool get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv);

napi_value tcp_check_register(napi_env env, napi_value exports);
napi_value http_check_register(napi_env env, napi_value exports);

/* The environment's check set (tcpCheckInit made it), or NULL. */
typedef struct tcpc tcpc_t;
typedef struct http_set http_set_t;
tcpc_t *tcp_check_state(napi_env env);
int check_set_epfd(tcpc_t *t);
void check_set_attach_http(tcpc_t *t, http_set_t *h);
http_set_t *check_set_http(tcpc_t *t);
/* The start arguments both probes share: (slot, token, ip, port, v6). */
bool check_start_args(napi_env env, napi_value *argv, uint32_t *slot, int32_t *token, char *ip, size_t ipsize, uint32_t *port, bool *v6);
/* Grows a slot array (zero-filled) so that `slot` fits; false when out of memory. */
bool check_slots_grow(void **slots, uint32_t *nslots, size_t size, uint32_t slot, uint32_t first);
/* A non-blocking connect to ip:port whose socket joins the set for EPOLLOUT with `data`; 0 or errno. */
int check_set_connect(tcpc_t *t, const char *ip, uint32_t port, bool v6, uint64_t data, int *fd);
/* The poll(2) events of `fd` that are ready now among `events` (and errors, hang-ups), as epoll's bits; 0 if none. */
uint32_t check_fd_ready(int fd, short events);
/* Calls a JavaScript callback in the set's async context (a throw is fatal, as from any callback). */
void check_set_call(tcpc_t *t, napi_ref cb, size_t argc, napi_value *argv);

/* http_check.c, called from the set's wakeup: one event of HTTP slot `slot`; then, after each harvest, delivery. */
void http_check_event(http_set_t *h, uint32_t slot, uint32_t events);
void http_check_flush(http_set_t *h);
void http_check_free(http_set_t *h);
/* checkPoll for an HTTP slot: its step taken now (results flushed) if its socket is ready; false if not, or free. */
bool http_check_poll_slot(http_set_t *h, uint32_t slot);
