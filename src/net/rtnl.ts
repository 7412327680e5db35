// Shared rtnetlink plumbing: one request socket per process, and kernel errors as
// strerror text (the netlink package rejects with "Request rejected: EEXIST").
import { createRtNetlink, type RtNetlinkSocket } from 'netlink';

/** glibc strerror() texts for the errnos rtnetlink address/link requests return. */
const STRERROR: Record<string, string> = {
  EEXIST: 'File exists',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENODEV: 'No such device',
  ENOENT: 'No such file or directory',
  EINVAL: 'Invalid argument',
  EPERM: 'Operation not permitted',
  EACCES: 'Permission denied',
  EOPNOTSUPP: 'Operation not supported',
  ENETDOWN: 'Network is down',
  ENOBUFS: 'No buffer space available',
  EBUSY: 'Device or resource busy',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  ERANGE: 'Numerical result out of range',
  ENOSPC: 'No space left on device',
};

/** "Request rejected: EEXIST" → "File exists"; other errors keep their message. */
export function kernelErrorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /Request rejected: (\w+)/.exec(msg);
  if (m) return STRERROR[m[1]!] ?? m[1]!;
  return msg;
}

/** Bound on every request: a kernel that never answers must not hang the daemon. */
export const RTNL_TIMEOUT_MS = 5000;

let shared: RtNetlinkSocket | undefined;

/** The process's request socket (unref'd: it does not keep the event loop alive). */
export function rtnl(): RtNetlinkSocket {
  if (!shared) shared = createRtNetlink();
  return shared;
}

export function closeRtnl(): void {
  shared?.socket.close();
  shared = undefined;
}
