// Link-layer address text <-> bytes. (IP address conversion lives in src/vrrp/addr.ts.)

export function macToBuffer(mac: string): Buffer {
  const parts = mac.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) throw new Error(`invalid MAC address: ${mac}`);
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

export function bufferToMac(b: Uint8Array, offset = 0): string {
  return [...b.subarray(offset, offset + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
}
