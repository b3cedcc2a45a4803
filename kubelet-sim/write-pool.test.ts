import { describe, expect, it } from 'vitest';
import { FakeClock } from '../lib/clock.js';
import { createLogger } from '../lib/logger.js';
import { createWritePool } from './write-pool.js';

/** Lets the pool's promise chains run (no timers: the FakeClock only moves when told). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function pool(opts: { qps: number; burst: number; concurrency?: number }) {
  const clock = new FakeClock(0);
  const writes: string[] = [];
  const p = createWritePool({
    clock,
    logger: createLogger({ level: 'silent' }),
    concurrency: opts.concurrency ?? 8,
    qps: opts.qps,
    burst: opts.burst,
    // `a-1` and `a-2` are writes of client `a`.
    clientOf: (key) => key.split('-')[0]!,
    async sync(key, throttle) {
      await throttle();
      writes.push(key);
    },
  });
  return { clock, writes, pool: p };
}

describe('write pool: one budget per client (kubelet --kube-api-qps/--kube-api-burst)', () => {
  it('a client past its burst waits for tokens while another client writes at once', async () => {
    const { clock, writes, pool: p } = pool({ qps: 1, burst: 2 });
    for (const key of ['a-1', 'a-2', 'a-3', 'b-1', 'b-2']) p.enqueue(key);
    await settle();
    // a spent its burst of 2; its third write waits one second. b has its own burst.
    expect(writes.sort()).toEqual(['a-1', 'a-2', 'b-1', 'b-2']);
    clock.advance(999);
    await settle();
    expect(writes).not.toContain('a-3');
    clock.advance(1);
    await settle();
    expect(writes).toContain('a-3');
    await p.stop();
  });

  it('many clients are bounded only by the concurrency, not by one shared budget', async () => {
    const { writes, pool: p } = pool({ qps: 50, burst: 100, concurrency: 4 });
    // 1,000 nodes writing once each: a shared 50-qps bucket would pass 100; per node all pass.
    for (let i = 0; i < 1000; i++) p.enqueue(`n${i}-status`);
    for (let i = 0; i < 100; i++) await settle();
    expect(writes).toHaveLength(1000);
    await p.stop();
  });

  it('a failed write (a 429 from the apiserver) is retried after its back-off', async () => {
    const clock = new FakeClock(0);
    let calls = 0;
    const p = createWritePool({
      clock,
      logger: createLogger({ level: 'silent' }),
      concurrency: 2,
      qps: 50,
      burst: 100,
      async sync(_key, throttle) {
        await throttle();
        calls++;
        if (calls === 1) throw Object.assign(new Error('Too many requests, please try again later.'), { code: 429 });
      },
    });
    p.enqueue('pod:default/x');
    await settle();
    expect(calls).toBe(1);
    clock.advance(199);
    await settle();
    expect(calls).toBe(1);
    clock.advance(1);
    await settle();
    expect(calls).toBe(2);
    await p.stop();
  });
});
