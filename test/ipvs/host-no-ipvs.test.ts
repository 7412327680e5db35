// On a kernel without IPVS (this machine: CONFIG_IP_VS unset, no modules),
// opening the client gives the operator's sentence, not an errno. On a
// kernel with IPVS the same call must succeed: both branches assert.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { IpvsClient, IpvsError, NO_IPVS_MESSAGE } from '../../src/ipvs/index.js';

describe('IpvsClient.open on the host kernel', () => {
  it('reports a missing IPVS family clearly (or opens when the kernel has IPVS)', async () => {
    const kernelHasIpvs = existsSync('/proc/net/ip_vs');
    const outcome = await IpvsClient.open().then((c) => { c.close(); return 'opened'; }, (e: unknown) => e);
    if (kernelHasIpvs) {
      expect(outcome).toBe('opened');
      return;
    }
    expect(outcome).toBeInstanceOf(IpvsError);
    const err = outcome as IpvsError;
    expect(err.kind).toBe('unavailable');
    expect(err.op).toBe('open');
    expect(err.message).toBe(NO_IPVS_MESSAGE);
    expect(err.message).toBe('the kernel has no IPVS (Generic Netlink family "IPVS" not found): load ip_vs or run on a kernel with CONFIG_IP_VS');
  });
});
