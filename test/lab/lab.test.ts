import { afterAll, describe, expect, it } from 'vitest';
import { createLab, labNamespaces, type Lab } from './lab.js';

const PREFIX = 'ltlab';

describe('namespace lab', () => {
  let lab: Lab | undefined;
  afterAll(async () => { await lab?.destroy(); });

  it('builds 2 routers + client on a bridge namespace; hosts ping each other over IPv4 and IPv6', async () => {
    lab = await createLab({ prefix: PREFIX, routers: 2, client: true, ipv6: true });
    expect(labNamespaces(PREFIX).sort()).toEqual([`${PREFIX}-br`, `${PREFIX}-c`, `${PREFIX}-r1`, `${PREFIX}-r2`]);
    // Each host has eth0 with its lab address; the bridge is not in the host namespace.
    for (const ns of lab.hosts) expect(await lab.addressesOf(ns)).toContain(lab.ip4(ns));
    expect(await lab.ping('r1', lab.ip4('r2'))).toBe(true);
    expect(await lab.ping('c', lab.ip4('r1'))).toBe(true);
    expect(await lab.ping('c', lab.ip6('r2'))).toBe(true);
    // The ping filled the client's neighbour table with r1's real MAC.
    const r1Mac = await lab.mac('r1');
    expect((await lab.neigh('c')).find((n) => n.dst === lab!.ip4('r1'))?.lladdr).toBe(r1Mac);
    // VIP helpers refuse the lab's own host addresses.
    expect(() => lab!.vip4(100)).toThrow(/not free for a VIP/);
    expect(lab.vip6(0x150)).toBe(`fd00:${lab.subnet}::150`);
    // Spawned processes are tracked and stopped by destroy().
    const p = lab.spawn('r1', 'sleep', ['30']);
    await lab.destroy();
    expect(await p.exited).not.toBe(0);
    expect(labNamespaces(PREFIX)).toEqual([]);
  });

  it('tears everything down even when the test body throws, and destroy() is idempotent', async () => {
    const l2 = await createLab({ prefix: `${PREFIX}x`, routers: 1, client: false });
    let caught: unknown;
    try {
      try {
        expect(labNamespaces(`${PREFIX}x`).length).toBe(2);
        throw new Error('boom');
      } finally {
        await l2.destroy();
      }
    } catch (e) {
      caught = e;
    }
    expect((caught as Error).message).toBe('boom');
    expect(labNamespaces(`${PREFIX}x`)).toEqual([]);
    await l2.destroy();
  });

  it('removes a stale lab with the same prefix before building', async () => {
    const stale = await createLab({ prefix: `${PREFIX}s`, routers: 1 });
    const sleeper = stale.spawn('r1', 'sleep', ['30']);
    // A second lab with the same prefix must not fail on "File exists" and must reap the stale process.
    lab = await createLab({ prefix: `${PREFIX}s`, routers: 1 });
    expect(await sleeper.exited).not.toBe(0);
    expect(await lab.ping('r1', lab.ip4('r1'))).toBe(true);
    await lab.destroy();
    expect(labNamespaces(`${PREFIX}s`)).toEqual([]);
  });

  it('rejects a prefix that cannot name namespaces, before creating anything', async () => {
    await expect(createLab({ prefix: 'lt/bad', routers: 1 })).rejects.toThrow('lab: invalid prefix "lt/bad"');
  });
});
