// Helper of bench/checkers-vm.sh (runs inside the IPVS VM):
//   node bench/checkers-vm.mjs gen TCP HTTP DELAY > keepalived.conf
//     TCP real servers 10.2.x.y:8080 with TCP_CHECK and HTTP ones 10.3.x.y:8081 with HTTP_GET, 100 per
//     virtual server, every checker at delay_loop DELAY (the addresses are made local by the script).
//   node bench/checkers-vm.mjs listen COUNTFILE
//     one process answering both: TCP on :8080 (accept, close; a bare tcp_wrap handle where it loads) and
//     HTTP on :8081 (one fixed 200 reply);
//     writes "tcp_accepts http_requests" to COUNTFILE every second.
import { writeFileSync } from 'node:fs';
import net from 'node:net';

const PER_VS = 100;
const addr = (net8, i) => `10.${net8}.${Math.floor(i / 250)}.${(i % 250) + 1}`;

function gen(tcp, http, delay) {
  // KTS_BENCH_LOG_FAILURES=1: each failed check is logged with its kind (timeout or failed), by both daemons.
  const out = process.env.KTS_BENCH_LOG_FAILURES ? ['global_defs {', '  checker_log_all_failures', '}'] : [];
  const block = (count, vsNet, rsNet, port, checker) => {
    for (let v = 0; v * PER_VS < count; v++) {
      out.push(`virtual_server ${addr(vsNet, v)} 80 {`, `  delay_loop ${delay}`, '  lb_algo rr', '  lb_kind NAT', '  protocol TCP');
      for (let k = v * PER_VS; k < Math.min(count, (v + 1) * PER_VS); k++) out.push(`  real_server ${addr(rsNet, k)} ${port} {`, ...checker, '  }');
      out.push('}');
    }
  };
  block(tcp, 1, 2, 8080, ['    TCP_CHECK {', '    }']);
  block(http, 4, 3, 8081, ['    HTTP_GET {', '      url {', '        path /', '        status_code 200', '      }', '    }']);
  process.stdout.write(`${out.join('\n')}\n`);
}

function listen(countFile) {
  let tcp = 0;
  let http = 0;
  const reply = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
  // TCP_CHECK's port on a bare libuv handle: accept and close, no net.Socket per connection (half the
  // listener's CPU per connection on the host: 40 vs 80 µs), so the listener is less of a ceiling.
  let raw;
  try {
    raw = process.binding('tcp_wrap');
  } catch {
    raw = undefined;
  }
  if (raw) {
    const server = new raw.TCP(raw.constants.SERVER);
    const err = server.bind('0.0.0.0', 8080) || server.listen(4096);
    if (err) throw new Error(`listen :8080: ${err}`);
    server.onconnection = (_status, handle) => {
      if (!handle) return;
      tcp++;
      handle.close();
    };
  } else {
    net.createServer((s) => {
      tcp++;
      s.on('error', () => undefined);
      s.destroy();
    }).listen({ port: 8080, host: '0.0.0.0', backlog: 4096 });
  }
  net.createServer((s) => {
    s.on('error', () => undefined);
    s.once('data', () => {
      http++;
      s.end(reply);
    });
  }).listen({ port: 8081, host: '0.0.0.0', backlog: 4096 });
  setInterval(() => writeFileSync(countFile, `${tcp} ${http}\n`), 1000);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'gen') gen(Number(args[0]), Number(args[1]), Number(args[2]));
else if (mode === 'listen') listen(args[0]);
else throw new Error('usage: checkers-vm.mjs gen TCP HTTP DELAY | listen COUNTFILE');
