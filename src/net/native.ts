// Loads the keepalived_net N-API addon (src/net/native, built by `npm run build`).
// Both src/net (vitest) and dist/src/net (compiled) resolve to the same build dir.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NativeNet {
  /** AF_PACKET/SOCK_RAW, protocol 0: send-only. */
  packetSocket(): number;
  /** Sends one complete Ethernet frame on ifindex; returns bytes sent, throws "sendto(AF_PACKET): <strerror>". */
  packetSend(fd: number, ifindex: number, frame: Buffer): number;
  ip6RawSocket(protocol: number): number;
  setsockoptInt(fd: number, level: number, option: number, value: number): void;
  setsockoptBuf(fd: number, level: number, option: number, value: Buffer): void;
  bind6(fd: number, addr: Buffer, scopeId: number): void;
  /** sendmsg with IPV6_PKTINFO (src may be null: kernel picks it). */
  send6(fd: number, payload: Buffer, dst: Buffer, scopeId: number, src: Buffer | null, ifindex: number): number;
  recvStart(fd: number, cb: (payload: Buffer | null, srcOrError: Buffer | string, dst?: Buffer, hopLimit?: number, ifindex?: number) => void): object;
  recvStop(handle: object): void;
  closeFd(fd: number): void;
}

let cached: NativeNet | undefined;

export function nativeAddonPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const rel = join('build', 'Release', 'keepalived_net.node');
  const candidates = [
    join(here, 'native', rel), // src/net/native.ts
    join(here, '..', '..', '..', 'src', 'net', 'native', rel), // dist/src/net/native.js
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`keepalived_net addon not built (run \`npm run build\`); looked in ${candidates.join(', ')}`);
  return found;
}

export function loadNative(): NativeNet {
  if (!cached) cached = createRequire(import.meta.url)(nativeAddonPath()) as NativeNet;
  return cached;
}

/** errno and strerror text of an addon error (keepalived logs both: "Error %d (%m)"). */
export interface NativeError { errno: number; reason: string; message: string }

export function nativeError(e: unknown): NativeError {
  const message = e instanceof Error ? e.message : String(e);
  const code = Number((e as { code?: unknown }).code);
  const colon = message.indexOf(': ');
  return { errno: Number.isInteger(code) ? code : -1, reason: colon >= 0 ? message.slice(colon + 2) : message, message };
}
