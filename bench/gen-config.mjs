// Generates the -t benchmark config: N virtual_servers, each with 2 real_servers and TCP_CHECK.
// Usage: node bench/gen-config.mjs N > file
const n = Number(process.argv[2] ?? 10000);
const out = [];
out.push('global_defs {', '    router_id bench', '}', '');
for (let i = 0; i < n; i++) {
  const a = 10 + Math.floor(i / 65536), b = Math.floor(i / 256) % 256, c = i % 256;
  out.push(`virtual_server 10.${a % 256}.${b}.${c} 80 {`);
  out.push('    delay_loop 6', '    lb_algo rr', '    lb_kind NAT', '    protocol TCP');
  for (const r of [1, 2]) {
    out.push(`    real_server 172.${16 + (i % 8)}.${b}.${(c + r) % 256} 8080 {`);
    out.push('        weight 1', '        TCP_CHECK {', '            connect_timeout 3', '        }', '    }');
  }
  out.push('}');
}
process.stdout.write(out.join('\n') + '\n');
