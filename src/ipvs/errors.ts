// Errors of the IPVS client: every one names the operation and the virtual
// and real server concerned, so a log line says what failed where (the
// kernel's bare errno, e.g. EINVAL on a dest with no route, says neither).
import { getSystemErrorMap } from 'node:util';
import type { IpvsDaemonState, IpvsServiceKey } from './codec.js';
import { destLabel, serviceLabel } from './format.js';

export type IpvsOp =
  | 'open' | 'getInfo' | 'listServices' | 'getService' | 'addService' | 'editService' | 'delService' | 'flush' | 'zero'
  | 'listDests' | 'addDest' | 'editDest' | 'delDest'
  | 'getTimeouts' | 'setTimeouts' | 'listDaemons' | 'addDaemon' | 'delDaemon';

/** kernel: the kernel refused (errno); malformed: its reply did not decode; unavailable: no IPVS family; io: socket trouble or timeout. */
export type IpvsErrorKind = 'kernel' | 'malformed' | 'unavailable' | 'io';

export interface IpvsErrorContext {
  service?: IpvsServiceKey & { scheduler?: string; peName?: string };
  dest?: { family: 'inet' | 'inet6'; address: string; port: number };
  daemon?: { state: IpvsDaemonState; mcastIfn?: string; syncId?: number };
}

export class IpvsError extends Error {
  override name = 'IpvsError';
  constructor(
    message: string,
    readonly op: IpvsOp,
    readonly kind: IpvsErrorKind,
    /** Positive errno for kind 'kernel' (22 = EINVAL), else 0. */
    readonly errno = 0,
    readonly code = '',
  ) {
    super(message);
  }
}

export const NO_IPVS_MESSAGE =
  'the kernel has no IPVS (Generic Netlink family "IPVS" not found): load ip_vs or run on a kernel with CONFIG_IP_VS';

/** "add virtual server TCP 10.0.0.1:80", "add real server 10.0.0.2:80 to TCP 10.0.0.1:80", … */
export function describeOp(op: IpvsOp, ctx: IpvsErrorContext): string {
  const svc = ctx.service ? serviceLabel(ctx.service) : 'virtual server';
  const dst = ctx.dest ? destLabel(ctx.dest) : '';
  const dm = ctx.daemon;
  switch (op) {
    case 'open': return 'open the IPVS Generic Netlink socket';
    case 'getInfo': return 'read IPVS info';
    case 'listServices': return 'list virtual servers';
    case 'getService': return `read virtual server ${svc}`;
    case 'addService': return `add virtual server ${svc}`;
    case 'editService': return `edit virtual server ${svc}`;
    case 'delService': return `delete virtual server ${svc}`;
    case 'flush': return 'flush virtual servers';
    case 'zero': return ctx.service ? `zero counters of ${svc}` : 'zero counters';
    case 'listDests': return `list real servers of ${svc}`;
    case 'addDest': return `add real server ${dst} to ${svc}`;
    case 'editDest': return `edit real server ${dst} of ${svc}`;
    case 'delDest': return `delete real server ${dst} from ${svc}`;
    case 'getTimeouts': return 'read IPVS timeouts';
    case 'setTimeouts': return 'set IPVS timeouts';
    case 'listDaemons': return 'list sync daemons';
    case 'addDaemon': return `start ${dm?.state ?? ''} sync daemon${dm?.mcastIfn ? ` on ${dm.mcastIfn}` : ''}${dm?.syncId !== undefined ? ` (syncid ${dm.syncId})` : ''}`;
    case 'delDaemon': return `stop ${dm?.state ?? ''} sync daemon`;
  }
}

// errno values (Linux x86/arm, asm-generic/errno*.h)
const EPERM = 1, ENOENT = 2, ESRCH = 3, EEXIST = 17, ENODEV = 19, EINVAL = 22;

/** What an errno means for this operation (keepalived's ipvs_strerror table, said with names). */
export function reasonFor(op: IpvsOp, errno: number, ctx: IpvsErrorContext): string {
  switch (errno) {
    case ENOENT:
      if (op === 'addService' || op === 'editService') {
        const pe = ctx.service?.peName ? ` or persistence engine '${ctx.service.peName}'` : '';
        return `no such scheduler '${ctx.service?.scheduler ?? ''}'${pe}`;
      }
      if (op === 'editDest' || op === 'delDest') return 'no such real server';
      break;
    case EEXIST:
      if (op === 'addService') return 'virtual server already exists';
      if (op === 'addDest') return 'real server already exists';
      if (op === 'addDaemon') return 'sync daemon already running';
      break;
    case ESRCH:
      if (op === 'delDaemon') return 'no sync daemon running';
      if (ctx.service) return 'no such virtual server';
      break;
    case EINVAL:
      if (op === 'addDest' || op === 'editDest') return 'invalid argument (no route to the real server?)';
      break;
    case ENODEV:
      if (op === 'addDaemon') return `no such interface '${ctx.daemon?.mcastIfn ?? ''}'`;
      break;
    case EPERM:
      return 'operation not permitted (CAP_NET_ADMIN needed)';
  }
  const known = getSystemErrorMap().get(-errno);
  return known ? known[1] : `error ${errno}`;
}

export function kernelError(op: IpvsOp, errno: number, ctx: IpvsErrorContext): IpvsError {
  const code = getSystemErrorMap().get(-errno)?.[0] ?? `E${errno}`;
  return new IpvsError(`cannot ${describeOp(op, ctx)}: ${reasonFor(op, errno, ctx)}`, op, 'kernel', errno, code);
}
