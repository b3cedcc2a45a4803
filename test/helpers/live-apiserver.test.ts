import { describe, expect, it } from 'vitest';
import { namespaceResource } from '../../api/core/namespace.js';
import { startLiveApiserver } from './live-apiserver.js';

describe('startLiveApiserver', () => {
  it('serves plain HTTP on loopback with a working client, runs beforeListen, and close() stops it', async () => {
    const api = await startLiveApiserver({
      beforeListen(app) {
        app.get('/live-apiserver-test', async () => ({ ok: true }));
      },
    });
    let closed = false;
    try {
      expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const names = (await api.client.list(namespaceResource)).items.map((n) => n.metadata.name);
      expect(names).toContain('default');
      expect(await (await fetch(`${api.url}/live-apiserver-test`)).json()).toEqual({ ok: true });
      await api.close();
      closed = true;
      await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
    } finally {
      if (!closed) await api.close();
    }
  });
});
