{
  "targets": [
    {
      "target_name": "keepalived_net",
      "sources": ["keepalived_net.c", "tcp_check.c", "http_check.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
