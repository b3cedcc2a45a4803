import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, pod, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let base: string;
beforeEach(async () => {
  t = await makeTestApp({ bookmarkIntervalMs: 0 });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterEach(async () => {
  await t.close();
});

/** Reads watch events (one JSON object per line) until `count` arrived. */
async function readEvents(res: Response, count: number, accept: (e: any) => boolean = () => true): Promise<any[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const events: any[] = [];
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.trim()) {
        const e = JSON.parse(line);
        if (accept(e)) events.push(e);
      }
    }
  }
  await reader.cancel();
  return events;
}

const create = (body: unknown) =>
  fetch(`${base}/api/v1/namespaces/default/pods`, { method: 'POST', body: JSON.stringify(body), headers: { "content-type": "application/json" } }).then((r) => r.json() as Promise<any>);

describe('watch', () => {
  it('starts with synthetic ADDED events, then streams changes', async () => {
    await create(pod('w1'));
    const res = await fetch(`${base}/api/v1/namespaces/default/pods?watch=true`);
    expect(res.status).toBe(200);
    const pending = readEvents(res, 3, (e) => e.type !== 'BOOKMARK');
    await create(pod('w2'));
    await fetch(`${base}/api/v1/namespaces/default/pods/w1`, { method: 'DELETE' });
    const events = await pending;
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'w1'],
      ['ADDED', 'w2'],
      ['DELETED', 'w1'],
    ]);
  });

  it.each(['True', '1', 't', 'yes'])('watch=%s (as the official Python client sends) streams', async (value) => {
    await create(pod('py1'));
    const res = await fetch(`${base}/api/v1/namespaces/default/pods?watch=${value}&allowWatchBookmarks=True`);
    expect(res.status).toBe(200);
    const events = await readEvents(res, 1, (e) => e.type !== 'BOOKMARK');
    expect([events[0].type, events[0].object.metadata.name]).toEqual(['ADDED', 'py1']);
  });

  it.each(['False', 'false', '0'])('watch=%s is a list', async (value) => {
    const res = await fetch(`${base}/api/v1/namespaces/default/pods?watch=${value}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).kind).toBe('PodList');
  });

  it('resumes from a resourceVersion and honours label selectors', async () => {
    const first = await create(pod('r1'));
    const rv = first.metadata.resourceVersion;
    await create({ ...pod('r2'), metadata: { name: 'r2', labels: { app: 'other' } } });
    await create(pod('r3'));
    const res = await fetch(`${base}/api/v1/pods?watch=1&resourceVersion=${rv}&labelSelector=app%3Dweb`);
    const events = await readEvents(res, 1, (e) => e.type !== 'BOOKMARK');
    expect(events[0].type).toBe('ADDED');
    expect(events[0].object.metadata.name).toBe('r3');
  });

  it('turns an object leaving the selector into DELETED', async () => {
    const p = await create(pod('l1'));
    const res = await fetch(`${base}/api/v1/pods?watch=1&resourceVersion=${p.metadata.resourceVersion}&labelSelector=app%3Dweb`);
    const pending = readEvents(res, 1, (e) => e.type !== 'BOOKMARK');
    await fetch(`${base}/api/v1/namespaces/default/pods/l1`, {
      method: 'PATCH',
      body: JSON.stringify({ metadata: { labels: { app: 'gone' } } }),
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    const [e] = await pending;
    expect(e.type).toBe('DELETED');
    expect(e.object.metadata.labels.app).toBe('gone');
  });

  it('sends bookmarks when asked', async () => {
    const p = await create(pod('b1'));
    const res = await fetch(`${base}/api/v1/pods?watch=1&allowWatchBookmarks=true&resourceVersion=${p.metadata.resourceVersion}`);
    const [e] = await readEvents(res, 1, (ev) => ev.type === 'BOOKMARK');
    expect(e.object.kind).toBe('Pod');
    expect(Number(e.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(p.metadata.resourceVersion));
  });

  it('answers 410 Expired for a compacted resourceVersion', async () => {
    await create(pod('c1'));
    await create(pod('c2'));
    await t.store.compact(await t.store.currentRevision());
    const res = await fetch(`${base}/api/v1/pods?watch=1&resourceVersion=1`);
    if (res.status === 200) {
      const [e] = await readEvents(res, 1);
      expect(e.type).toBe('ERROR');
      expect(e.object.code).toBe(410);
    } else {
      expect(res.status).toBe(410);
      expect(((await res.json()) as any).reason).toBe('Expired');
    }
  });

  it('streams Table rows for kubectl get -w', async () => {
    const p = await create(pod('tw'));
    const res = await fetch(`${base}/api/v1/namespaces/default/pods?watch=1&resourceVersion=${Number(p.metadata.resourceVersion) - 1}`, {
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    const [e] = await readEvents(res, 1);
    expect(e.object.kind).toBe('Table');
    expect(e.object.rows[0].cells[0]).toBe('tw');
    expect(e.object.columnDefinitions.length).toBeGreaterThan(0);
  });
});

describe('streaming lists (sendInitialEvents)', () => {
  const PODS = () => `${base}/api/v1/namespaces/default/pods`;

  it('sendInitialEvents=true: the current state, an initial-events-end bookmark at its resourceVersion, then changes', async () => {
    const older = await create(pod('s1'));
    await create(pod('s2'));
    const res = await fetch(`${PODS()}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=${older.metadata.resourceVersion}`);
    expect(res.status).toBe(200);
    const pending = readEvents(res, 4, (e) => e.type !== 'BOOKMARK' || e.object.metadata.annotations?.['k8s.io/initial-events-end'] === 'true');
    // Give the initial state time to go out before the change.
    await new Promise((r) => setTimeout(r, 50));
    await create(pod('s3'));
    const events = await pending;
    expect(events.map((e) => [e.type, e.object.metadata.name ?? null])).toEqual([
      ['ADDED', 's1'],
      ['ADDED', 's2'],
      ['BOOKMARK', null],
      ['ADDED', 's3'],
    ]);
    const end = events[2].object;
    expect(end).toMatchObject({ kind: 'Pod', apiVersion: 'v1', metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } });
    const list = (await (await fetch(`${PODS()}?limit=1`)).json()) as any;
    expect(Number(end.metadata.resourceVersion)).toBeLessThan(Number(events[3].object.metadata.resourceVersion));
    expect(Number(end.metadata.resourceVersion)).toBeLessThanOrEqual(Number(list.metadata.resourceVersion));
    expect(Number(end.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(events[1].object.metadata.resourceVersion));
  });

  it('sendInitialEvents=false without a resourceVersion: only changes from now', async () => {
    await create(pod('n1'));
    const res = await fetch(`${PODS()}?watch=true&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
    expect(res.status).toBe(200);
    const pending = readEvents(res, 1, (e) => e.type !== 'BOOKMARK');
    await new Promise((r) => setTimeout(r, 50));
    await create(pod('n2'));
    expect((await pending).map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'n2']]);
  });

  it.each([
    ['sendInitialEvents=true', 'resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'],
    ['sendInitialEvents=true&resourceVersionMatch=Exact', '[resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"]'],
    ['resourceVersionMatch=NotOlderThan', 'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'],
  ])('a watch with %s is 422 as kube-apiserver answers', async (query, detail) => {
    const res = await fetch(`${PODS()}?watch=true&${query}`);
    expect(res.status).toBe(422);
    const status = (await res.json()) as any;
    expect(status).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422, details: { kind: 'ListOptions', group: 'meta.k8s.io' } });
    expect(status.message).toBe(`ListOptions.meta.k8s.io "" is invalid: ${detail}`);
  });

  it('a list with sendInitialEvents is 422, and a bad integer 400', async () => {
    const list = await fetch(`${PODS()}?sendInitialEvents=true`);
    expect(list.status).toBe(422);
    expect(((await list.json()) as any).message).toBe('ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list');
    // Booleans are never 400 in kube (anything but "0"/"false" is true); integers are.
    const bad = await fetch(`${PODS()}?watch=true&timeoutSeconds=soon`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).message).toBe('strconv.ParseInt: parsing "soon": invalid syntax');
  });
});
