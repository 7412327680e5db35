// TCP_CHECK's batched connect probe (tcp_check.c), registered on the addon's exports by init().
#pragma once
#include <node_api.h>
#include <stdbool.h>

/* keepalived_net.c: at least `want` arguments into argv, else a TypeError thrown and false. */
bool get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv);

napi_value tcp_check_register(napi_env env, napi_value exports);
