// TCP_CHECK: connect, then close (check_tcp.c). Timeout and refusal are both failures.
import type { ProbeResult, TcpCheckSpec } from '../types.js';
import { closeStream, connectStream, deadline } from './connect.js';

export async function probeTcp(spec: TcpCheckSpec, signal?: AbortSignal): Promise<ProbeResult> {
  const d = deadline(spec.conn.connectTimeoutMs, signal);
  try {
    const s = await connectStream(spec.conn, d);
    if ('kind' in s) return { ok: false, reason: s.kind === 'timeout' ? 'timeout' : 'failed', timedOut: s.kind === 'timeout' };
    closeStream(s);
    return { ok: true };
  } finally {
    d.dispose();
  }
}
