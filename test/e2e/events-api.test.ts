import { describe, expect, it } from 'vitest';
import { CoreV1Api, EventsV1Api, KubeConfig, Watch, type EventsV1Event } from '@kubernetes/client-node';
import { kubectlAvailable, useE2eCluster } from './harness.js';

// events.k8s.io/v1 Event with the real kubectl and @kubernetes/client-node: one stored kind
// (core/v1 Events) served in two groups, so an event written through one is read, watched,
// patched and deleted through the other with the same uid and resourceVersion.

const cluster = useE2eCluster();
const NS = 'evapi';

function eventYaml(name: string, extra = ''): string {
  return `apiVersion: events.k8s.io/v1
kind: Event
metadata:
  name: ${name}
  namespace: ${NS}
eventTime: "2024-05-01T11:00:00.000000Z"
regarding:
  kind: Pod
  name: web
  namespace: ${NS}
reportingController: example.com/ctl
reportingInstance: ctl-1
action: Probe
reason: Checked
note: all good
type: Normal
${extra}`;
}

async function ok(args: string[], stdin?: string): Promise<string> {
  const r = await cluster().kubectl(args, stdin === undefined ? {} : { stdin });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function clients(): { kc: KubeConfig; events: EventsV1Api; core: CoreV1Api } {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster().kubeconfigPath);
  return { kc, events: kc.makeApiClient(EventsV1Api), core: kc.makeApiClient(CoreV1Api) };
}

/** Polls `cond` every 50 ms until true or the deadline. */
async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('events.k8s.io/v1 with kubectl', () => {
  it('discovery lists the group, and kubectl explain reads its schema', async () => {
    await ok(['create', 'namespace', NS]);
    const res = await ok(['api-resources', '--api-group=events.k8s.io', '--no-headers']);
    expect(res).toMatch(/^events\s+ev\s+events\.k8s\.io\/v1\s+true\s+Event\n$/);
    expect(await ok(['api-versions'])).toContain('events.k8s.io/v1\n');
    const explain = await ok(['explain', 'events', '--api-version=events.k8s.io/v1']);
    expect(explain).toMatch(/GROUP:\s+events\.k8s\.io/);
    expect(explain).toMatch(/VERSION:\s+v1/);
    expect(explain).toMatch(/regarding\s+<ObjectReference>/);
    expect(explain).toMatch(/note\s+<string>/);
    // The core group's Event is unchanged.
    expect(await ok(['explain', 'events'])).toMatch(/involvedObject\s+<ObjectReference>/);
  });

  it('kubectl create -f of an events.k8s.io/v1 Event; both groups show the same object', async () => {
    expect(await ok(['create', '-f', '-'], eventYaml('ev1'))).toBe('event.events.k8s.io/ev1 created\n');
    const v1 = JSON.parse(await ok(['get', 'events.v1.events.k8s.io', 'ev1', '-n', NS, '-o', 'json']));
    const core = JSON.parse(await ok(['get', 'events.v1.', 'ev1', '-n', NS, '-o', 'json']));
    expect(v1).toMatchObject({ apiVersion: 'events.k8s.io/v1', kind: 'Event', note: 'all good', reportingController: 'example.com/ctl', regarding: { kind: 'Pod', name: 'web' } });
    expect(core).toMatchObject({ apiVersion: 'v1', kind: 'Event', message: 'all good', reportingComponent: 'example.com/ctl', involvedObject: { kind: 'Pod', name: 'web' } });
    expect(core.metadata.uid).toBe(v1.metadata.uid);
    expect(core.metadata.resourceVersion).toBe(v1.metadata.resourceVersion);
    // Written without a series: core shows no count and no lastTimestamp (kube's conversion).
    expect(core.count).toBeUndefined();
    expect(core.lastTimestamp).toBeUndefined();
    expect(v1).not.toHaveProperty('involvedObject');
    // managedFields record the create in the version it came through, with its field names.
    const shown = JSON.parse(await ok(['get', 'events.events.k8s.io', 'ev1', '-n', NS, '-o', 'json', '--show-managed-fields']));
    expect(shown.metadata.managedFields).toHaveLength(1);
    expect(shown.metadata.managedFields[0]).toMatchObject({ manager: 'kubectl-create', operation: 'Update', apiVersion: 'events.k8s.io/v1' });
    expect(Object.keys(shown.metadata.managedFields[0].fieldsV1)).toEqual(expect.arrayContaining(['f:note', 'f:regarding', 'f:reportingController']));
    expect(Object.keys(shown.metadata.managedFields[0].fieldsV1)).not.toContain('f:message');
  });

  it('kubectl get events.events.k8s.io prints the event table; kubectl get events and kubectl events still show core', async () => {
    const table = await ok(['get', 'events.events.k8s.io', '-n', NS]);
    expect(table).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n/);
    expect(table).toMatch(/\n\S+\s+Normal\s+Checked\s+pod\/web\s+all good\n/);
    // `events` and its short name `ev` stay core/v1's, as kube's discovery order makes them.
    expect(await ok(['get', 'ev', 'ev1', '-n', NS, '-o', 'name'])).toBe('event/ev1\n');
    const core = await ok(['get', 'events', '-n', NS]);
    expect(core).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n/);
    expect(core).toContain('all good');
    const events = await ok(['events', '-n', NS]);
    expect(events).toMatch(/Normal\s+Checked\s+Pod\/web\s+all good/);
    // A core event is visible through events.k8s.io with the renamed fields.
    await ok(['create', '-f', '-'], `apiVersion: v1
kind: Event
metadata: {name: legacy, namespace: ${NS}}
involvedObject: {kind: Pod, name: web, namespace: ${NS}}
reason: Pulled
message: image pulled
source: {component: kubelet, host: n1}
firstTimestamp: "2024-05-01T11:00:00Z"
lastTimestamp: "2024-05-01T11:02:00Z"
count: 4
type: Normal
`);
    const viaV1 = JSON.parse(await ok(['get', 'events.events.k8s.io', 'legacy', '-n', NS, '-o', 'json']));
    expect(viaV1).toMatchObject({ note: 'image pulled', deprecatedCount: 4, deprecatedSource: { component: 'kubelet', host: 'n1' }, deprecatedLastTimestamp: '2024-05-01T11:02:00Z' });
  });

  it('field selectors use each group\'s names (kube\'s field label conversion)', async () => {
    const byRegarding = await ok(['get', 'events.events.k8s.io', '-n', NS, '--field-selector', 'regarding.name=web,reason=Checked', '-o', 'name']);
    expect(byRegarding).toBe('event.events.k8s.io/ev1\n');
    const byController = await ok(['get', 'events.events.k8s.io', '-n', NS, '--field-selector', 'reportingController=example.com/ctl', '-o', 'name']);
    expect(byController).toBe('event.events.k8s.io/ev1\n');
    const bad = await cluster().kubectl(['get', 'events.events.k8s.io', '-n', NS, '--field-selector', 'involvedObject.name=web']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('field label not supported: involvedObject.name');
    expect(await ok(['get', 'events', '-n', NS, '--field-selector', 'involvedObject.name=web', '-o', 'name'])).toContain('event/ev1\n');
  });

  it('RBAC: events in events.k8s.io and in the core group are separate resources', async () => {
    const denied = await cluster().kubectl(['--as=ev-reader', 'get', 'events.events.k8s.io', '-n', NS]);
    expect(denied.stderr).toContain(`events.events.k8s.io is forbidden: User "ev-reader" cannot list resource "events" in API group "events.k8s.io" in the namespace "${NS}"`);
    await ok(['create', 'role', 'ev-reader', '--verb=get,list,watch', '--resource=events.events.k8s.io', '-n', NS]);
    await ok(['create', 'rolebinding', 'ev-reader', '--role=ev-reader', '--user=ev-reader', '-n', NS]);
    expect(await ok(['--as=ev-reader', 'get', 'events.events.k8s.io', 'ev1', '-n', NS, '-o', 'name'])).toBe('event.events.k8s.io/ev1\n');
    expect((await ok(['--as=ev-reader', 'auth', 'can-i', 'list', 'events.events.k8s.io', '-n', NS])).trim()).toBe('yes');
    const core = await cluster().kubectl(['--as=ev-reader', 'get', 'events', '-n', NS]);
    expect(core.stderr).toContain(`events is forbidden: User "ev-reader" cannot list resource "events" in API group "" in the namespace "${NS}"`);
  });

  it('kubectl get events.v1.events.k8s.io -w prints the table rows as events arrive', async () => {
    const watch = cluster().spawnKubectl(['get', 'events.v1.events.k8s.io', '-n', NS, '-w']);
    try {
      await watch.waitFor(/LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n/);
      await ok(['create', '-f', '-'], eventYaml('ev-table').replace('reason: Checked', 'reason: TableRow'));
      await watch.waitFor(/Normal\s+TableRow\s+pod\/web\s+all good\n/);
    } finally {
      await watch.stop();
    }
  });

  it('kubectl get events.v1.events.k8s.io -w sees writes made through core/v1 and events.k8s.io', async () => {
    const watch = cluster().spawnKubectl(['get', 'events.v1.events.k8s.io', '-n', NS, '-w', '-o', 'jsonpath={.metadata.name}={.note}{"\\n"}']);
    try {
      await watch.waitFor(/ev1=all good\n/);
      await ok(['create', '-f', '-'], eventYaml('ev-watched'));
      await watch.waitFor(/ev-watched=all good\n/);
      await ok(['annotate', 'events.v1.', 'ev-watched', '-n', NS, 'seen=yes']);
      await watch.waitFor((out) => out.split('ev-watched=all good\n').length >= 3);
    } finally {
      await watch.stop();
    }
  });

  it('patches (strategic, merge, JSON), server-side apply and delete through events.k8s.io', async () => {
    const series = '{"series":{"count":2,"lastObservedTime":"2024-05-01T11:03:00.000000Z"}}';
    await ok(['patch', 'events.events.k8s.io', 'ev1', '-n', NS, '-p', series]);
    await ok(['patch', 'events.events.k8s.io', 'ev1', '-n', NS, '--type=merge', '-p', '{"metadata":{"labels":{"a":"b"}}}']);
    await ok(['patch', 'events.events.k8s.io', 'ev1', '-n', NS, '--type=json', '-p', '[{"op":"replace","path":"/series/count","value":3}]']);
    const core = JSON.parse(await ok(['get', 'event', 'ev1', '-n', NS, '-o', 'json']));
    expect(core.series).toEqual({ count: 3, lastObservedTime: '2024-05-01T11:03:00.000000Z' });
    expect(core.metadata.labels).toEqual({ a: 'b' });
    // The core table counts the series.
    expect(await ok(['get', 'events', '-n', NS, '-o', 'wide', '--field-selector', 'metadata.name=ev1', '--no-headers'])).toMatch(/\s3\s+ev1\n$/);
    // An immutable field changed through events.k8s.io: kube's 422.
    const immutable = await cluster().kubectl(['patch', 'events.events.k8s.io', 'ev1', '-n', NS, '--type=merge', '-p', '{"note":"rewritten"}']);
    expect(immutable.code).not.toBe(0);
    expect(immutable.stderr).toContain('Event "ev1" is invalid: message: Invalid value: "rewritten": field is immutable');

    const applied = await ok(['apply', '--server-side', '--field-manager=ev-tool', '-f', '-'], eventYaml('ev-ssa'));
    expect(applied).toBe('event.events.k8s.io/ev-ssa serverside-applied\n');
    const got = JSON.parse(await ok(['get', 'events.events.k8s.io', 'ev-ssa', '-n', NS, '-o', 'json', '--show-managed-fields']));
    const mf = got.metadata.managedFields.find((m: { manager: string }) => m.manager === 'ev-tool');
    expect(mf).toMatchObject({ operation: 'Apply', apiVersion: 'events.k8s.io/v1' });
    expect(Object.keys(mf.fieldsV1)).toEqual(expect.arrayContaining(['f:note', 'f:regarding']));

    expect(await ok(['delete', 'events.events.k8s.io', 'ev-ssa', '-n', NS])).toBe('event.events.k8s.io "ev-ssa" deleted\n');
    const goneCore = await cluster().kubectl(['get', 'event', 'ev-ssa', '-n', NS]);
    expect(goneCore.stderr).toContain('events "ev-ssa" not found');
    const goneV1 = await cluster().kubectl(['get', 'events.events.k8s.io', 'ev-ssa', '-n', NS]);
    expect(goneV1.stderr).toContain('events.events.k8s.io "ev-ssa" not found');
  });

  it('refuses bad events.k8s.io input with kube\'s messages, and stores nothing', async () => {
    const missing = await cluster().kubectl(['create', '-f', '-'], {
      stdin: `apiVersion: events.k8s.io/v1
kind: Event
metadata: {name: bad, namespace: ${NS}}
regarding: {kind: Pod, name: web, namespace: ${NS}}
`,
    });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('The Event "bad" is invalid: ');
    for (const msg of ['eventTime: Required value', 'type: Invalid value: "": has invalid value: ']) {
      expect(missing.stderr).toContain(msg);
    }
    const longNote = await cluster().kubectl(['create', '-f', '-'], { stdin: eventYaml('bad').replace('note: all good', `note: ${'x'.repeat(1100)}`) });
    expect(longNote.stderr).toContain('The Event "bad" is invalid: message: Invalid value: "": can have at most 1024 characters');
    // Legacy-only rules: the reporting fields are required once eventTime is set.
    const noReporter = await cluster().kubectl(['create', '-f', '-'], {
      stdin: eventYaml('bad').replace('reportingController: example.com/ctl\n', '').replace('action: Probe\n', ''),
    });
    expect(noReporter.stderr).toContain('reportingController: Required value');
    expect(noReporter.stderr).toContain('action: Required value');
    // A core/v1 field name in an events.k8s.io body: kubectl's strict field validation.
    const coreField = await cluster().kubectl(['create', '-f', '-'], { stdin: eventYaml('bad', 'message: core name\n') });
    expect(coreField.code).not.toBe(0);
    expect(coreField.stderr).toContain('unknown field "message"');
    // Deprecated fields may not be set on a new event.
    const deprecated = await cluster().kubectl(['create', '-f', '-'], { stdin: eventYaml('bad', 'deprecatedCount: 3\n') });
    expect(deprecated.stderr).toContain('count: Invalid value: "": needs to be unset');
    const absent = await cluster().kubectl(['get', 'events.events.k8s.io', 'bad', '-n', NS]);
    expect(absent.stderr).toContain('events.events.k8s.io "bad" not found');
  });
});

// The oldest and newest kubectl on the machine resolve the group the same way.
const OTHER_VERSIONS = ['1.27', '1.33'].filter((v) => kubectlAvailable(v));

describe.each(OTHER_VERSIONS)('events.k8s.io/v1 with kubectl %s', (version) => {
  it('get events.events.k8s.io and explain, while get events stays core/v1', async () => {
    const k = (args: string[]) => cluster().kubectl(args, { version });
    const table = await k(['get', 'events.events.k8s.io', '-n', NS]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n/);
    expect((await k(['get', 'ev', 'ev1', '-n', NS, '-o', 'name'])).stdout).toBe('event/ev1\n');
    expect((await k(['get', 'events.events.k8s.io', 'ev1', '-n', NS, '-o', 'jsonpath={.note}'])).stdout).toBe('all good');
    const explain = await k(['explain', 'events.note', '--api-version=events.k8s.io/v1']);
    expect(explain.code, explain.stderr).toBe(0);
    expect(explain.stdout).toMatch(/FIELD:\s+note\s+<string>/);
  });
});

describe('events.k8s.io/v1 with @kubernetes/client-node EventsV1Api', () => {
  const body = (name: string): EventsV1Event => ({
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name },
    eventTime: new Date('2024-05-01T11:00:00.000Z'),
    regarding: { kind: 'Pod', name: 'web', namespace: NS },
    reportingController: 'example.com/ctl',
    reportingInstance: 'ctl-1',
    action: 'Probe',
    reason: 'Checked',
    note: 'from client-node',
    type: 'Warning',
  });

  it('creates, lists and watches; core/v1 reads the same object', async () => {
    const { kc, events, core } = clients();
    const seen: Array<[string, string]> = [];
    const req = await new Watch(kc).watch(
      `/apis/events.k8s.io/v1/namespaces/${NS}/events`,
      {},
      (type: string, obj: EventsV1Event) => seen.push([type, obj.note ?? '']),
      () => undefined,
    );
    try {
      const created = await events.createNamespacedEvent({ namespace: NS, body: body('cn-1') });
      expect(created.note).toBe('from client-node');
      expect(new Date(String(created.eventTime)).toISOString()).toBe('2024-05-01T11:00:00.000Z');
      const list = await events.listNamespacedEvent({ namespace: NS, fieldSelector: 'type=Warning' });
      expect(list.items.map((e) => e.metadata?.name)).toEqual(['cn-1']);
      const legacy = await core.readNamespacedEvent({ namespace: NS, name: 'cn-1' });
      expect(legacy.message).toBe('from client-node');
      expect(legacy.metadata.resourceVersion).toBe(created.metadata?.resourceVersion);
      await until(() => seen.some(([t, n]) => t === 'ADDED' && n === 'from client-node'));
      await core.deleteNamespacedEvent({ namespace: NS, name: 'cn-1' });
      await until(() => seen.some(([t]) => t === 'DELETED'));
    } finally {
      req.abort();
    }
  });

  it('wrong types, a bad series and a body of the other group are 4xx Status errors, never 500', async () => {
    const path = `/apis/events.k8s.io/v1/namespaces/${NS}/events`;
    const post = (payload: unknown) => cluster().kubectl(['create', '--raw', path, '-f', '-'], { stdin: JSON.stringify(payload) });
    const valid = { ...body('wt'), eventTime: '2024-05-01T11:00:00.000000Z' };
    const wrongType = await post({ ...valid, note: 5 });
    expect(wrongType.code).not.toBe(0);
    expect(wrongType.stderr).toMatch(/Error from server \(BadRequest\).*note/);
    const wrongShape = await post({ ...valid, regarding: 'pod/web' });
    expect(wrongShape.stderr).toMatch(/Error from server \(BadRequest\).*regarding/);
    const badSeries = await post({ ...valid, metadata: { name: 'bs' }, series: { count: 1 } });
    expect(badSeries.stderr).toContain('series.count: Invalid value: "": should be at least 2');
    expect(badSeries.stderr).toContain('series.lastObservedTime: Required value');
    const wrongGroup = await post({ ...valid, metadata: { name: 'wg' }, apiVersion: 'v1' });
    expect(wrongGroup.stderr).toContain('the API version in the data (v1) does not match the expected API version (events.k8s.io/v1)');
    const { events } = clients();
    const list = await events.listNamespacedEvent({ namespace: NS });
    expect(list.items.map((e) => e.metadata?.name)).not.toEqual(expect.arrayContaining(['wt', 'bs', 'wg']));
  });
});
