import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadKubeconfig } from '../../client/rest-client.js';
import { startClusterWithComponents, type ClusterWithComponents } from '../e2e/cluster-with-components.js';
import { artifactPath, chromiumAvailable, launchChromium, type LaunchedBrowser } from './chromium.js';

/**
 * The cluster view (/ui) in a real browser against a running cluster (apiserver,
 * controllers, scheduler, three simulated nodes): it draws the nodes and their pods from
 * GraphQL subscriptions, loads nothing from outside the apiserver, opens its charts with
 * the history the apiserver kept, and follows a Deployment scaled with kubectl.
 */
describe.skipIf(!chromiumAvailable())('cluster view in Chromium', () => {
  let cluster: ClusterWithComponents;
  let chromium: LaunchedBrowser;

  beforeAll(async () => {
    cluster = await startClusterWithComponents({ nodes: 3 });
    chromium = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    await cluster?.close();
  });

  const kubectl = async (args: string[], stdin?: string): Promise<string> => {
    const res = await cluster.kubectl(args, stdin === undefined ? {} : { stdin });
    if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${res.stderr}`);
    return res.stdout;
  };

  const canvasData = async (page: Page) => ({
    nodes: Number(await page.getAttribute('#nodes', 'data-nodes-drawn')),
    pods: Number(await page.getAttribute('#nodes', 'data-pods-drawn')),
  });

  it('draws the nodes and pods, and follows a Deployment being scaled', async () => {
    await kubectl(['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);

    const page = await chromium.browser.newPage({ viewport: { width: 1400, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('websocket', (ws) => requests.push(ws.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));

    const token = loadKubeconfig(cluster.kubeconfigPath).token ?? '';
    await page.goto(`${cluster.url}/ui#token=${encodeURIComponent(token)}`);
    // The token left the address bar (it is kept in sessionStorage only).
    expect(new URL(page.url()).hash).toBe('');

    await page.locator('#deployments-body tr[data-name="default/web"]').getByText('2/2').waitFor({ timeout: 60_000 });
    // The charts opened with the apiserver's history (GraphQL chartHistory), which already
    // held the Deployment created before the page was opened.
    await expect.poll(() => page.getAttribute('#chart-deployments', 'data-history-series'), { timeout: 30_000 }).toContain('default/web');
    expect(Number(await page.getAttribute('#chart-deployments', 'data-history'))).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => (await canvasData(page)).nodes, { timeout: 30_000 }).toBe(3);
    const before = await canvasData(page);
    expect(before.nodes).toBe(3);
    expect(before.pods).toBeGreaterThanOrEqual(2);
    expect(await page.textContent('#summary')).toMatch(/^3 nodes \(3 Ready\) · \d+ pods: \d+ Running/);
    expect(await page.textContent('#conn')).toBe('live');
    await page.screenshot({ path: artifactPath('cluster-view-2-replicas.png'), fullPage: true });

    await kubectl(['scale', 'deployment', 'web', '--replicas=5']);
    await page.locator('#deployments-body tr[data-name="default/web"]').getByText('5/5').waitFor({ timeout: 60_000 });
    await expect.poll(async () => (await canvasData(page)).pods, { timeout: 30_000 }).toBeGreaterThanOrEqual(before.pods + 3);
    // The chart holds one Deployment series pair; the events table shows the scaling.
    expect(await page.getAttribute('#chart-deployments', 'data-series')).toBe('1');
    await page.locator('#events-body').getByText('ScalingReplicaSet').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: artifactPath('cluster-view-5-replicas.png'), fullPage: true });

    // Hovering a node box shows its name and pods.
    const box = await page.locator('#nodes').boundingBox();
    await page.mouse.move(box!.x + 20, box!.y + 20);
    await expect.poll(() => page.textContent('#tooltip')).toMatch(/^kubeling-node-0/);

    const origin = new URL(cluster.url).origin;
    const wsOrigin = origin.replace(/^http/, 'ws');
    const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith(wsOrigin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(foreign).toEqual([]);
    expect(requests.some((u) => u.startsWith(wsOrigin) && u.endsWith('/graphql'))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('asks for a token when opened without one, and says why the subscriptions fail', async () => {
    const page = await chromium.browser.newPage();
    await page.goto(`${cluster.url}/ui`);
    await expect.poll(() => page.getAttribute('#conn', 'class'), { timeout: 30_000 }).toBe('bad');
    expect(await page.textContent('#conn')).toMatch(/Unauthorized|disconnected|401|Forbidden/i);
    await page.close();
  });
});
