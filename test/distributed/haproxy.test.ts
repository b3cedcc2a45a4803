import { describe, expect, it } from 'vitest';
import { haproxyConfig } from './haproxy.js';

describe('haproxyConfig', () => {
  const cfg = haproxyConfig({ listen: '127.0.0.1:7443', backends: ['127.0.0.1:6443', '127.0.0.1:6444'] });

  it('balances TCP over the apiservers, health-checked with GET /readyz over TLS', () => {
    expect(cfg).toContain('  mode tcp');
    expect(cfg).toContain('  bind 127.0.0.1:7443');
    expect(cfg).toContain('  http-check send meth GET uri /readyz');
    expect(cfg).toContain('  server apiserver-0 127.0.0.1:6443 check check-ssl verify none');
    expect(cfg).toContain('  server apiserver-1 127.0.0.1:6444 check check-ssl verify none');
  });

  it('keeps every apiserver as an unchecked backup for when none is ready', () => {
    expect(cfg).toContain('  option allbackups');
    expect(cfg.match(/ backup$/gm)).toHaveLength(2);
  });

  it('only names loopback addresses it was given', () => {
    const addresses = [...cfg.matchAll(/\b(\d+\.\d+\.\d+\.\d+):\d+/g)].map((m) => m[1]);
    expect(new Set(addresses)).toEqual(new Set(['127.0.0.1']));
  });
});
