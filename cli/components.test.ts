import { describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.js';
import type { RunOptions } from './args.js';
import { startComponents, type ComponentStarter, type UpContext } from './components.js';

const options: RunOptions = { dataDir: '/d', port: 0, bindAddress: '127.0.0.1', nodes: 3, store: 'sqlite', etcdServers: [] };
const ctx = (): UpContext => ({ options, logger: createLogger({ level: 'silent' }) });

/** A starter that records start/stop into `log`, optionally failing one of them. */
function starter(name: string, log: string[], fail?: 'start' | 'stop'): ComponentStarter {
  return {
    name,
    async start() {
      if (fail === 'start') throw new Error(`${name} cannot start`);
      log.push(`start ${name}`);
      return {
        name,
        async stop() {
          log.push(`stop ${name}`);
          if (fail === 'stop') throw new Error(`${name} cannot stop`);
        },
      };
    },
  };
}

describe('startComponents', () => {
  it('starts in order and stops in reverse, once', async () => {
    const log: string[] = [];
    const running = await startComponents([starter('a', log), starter('b', log), starter('c', log)], ctx());
    expect(running.names).toEqual(['a', 'b', 'c']);
    await Promise.all([running.stop(), running.stop()]);
    expect(log).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('stops what already started when a later component fails, and rethrows', async () => {
    const log: string[] = [];
    await expect(startComponents([starter('a', log), starter('b', log), starter('c', log, 'start')], ctx())).rejects.toThrow(
      'c cannot start',
    );
    expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a']);
  });

  it('stops every component even when one fails to stop, then reports the failure', async () => {
    const log: string[] = [];
    const running = await startComponents([starter('a', log), starter('b', log, 'stop')], ctx());
    await expect(running.stop()).rejects.toThrow('b cannot stop');
    expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a']);
  });

  it('prepares every component before it starts any', async () => {
    const log: string[] = [];
    const prepared = (name: string): ComponentStarter => ({ ...starter(name, log), prepare: () => void log.push(`prepare ${name}`) });
    const running = await startComponents([starter('a', log), prepared('b'), prepared('c')], ctx());
    await running.stop();
    expect(log).toEqual(['prepare b', 'prepare c', 'start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('starts nothing when a prepare fails (a bad file), and rethrows', async () => {
    const log: string[] = [];
    const bad: ComponentStarter = {
      ...starter('bad', log),
      prepare: async () => {
        throw new Error('cannot use --stage-config /x: no such file');
      },
    };
    await expect(startComponents([starter('a', log), bad], ctx())).rejects.toThrow('cannot use --stage-config /x: no such file');
    expect(log).toEqual([]);
  });

  it('lets a starter hand things to the ones after it through the context', async () => {
    const seen: unknown[] = [];
    const first: ComponentStarter = {
      name: 'first',
      async start(c) {
        c.apiserver = { url: 'https://127.0.0.1:1' } as UpContext['apiserver'];
        return { name: 'first', stop: async () => {} };
      },
    };
    const second: ComponentStarter = {
      name: 'second',
      async start(c) {
        seen.push(c.apiserver?.url);
        return { name: 'second', stop: async () => {} };
      },
    };
    await (await startComponents([first, second], ctx())).stop();
    expect(seen).toEqual(['https://127.0.0.1:1']);
  });
});
