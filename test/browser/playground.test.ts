import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveApiserver, type LiveApiserver } from '../helpers/live-apiserver.js';
import { artifactPath, chromiumAvailable, launchChromium, type LaunchedBrowser } from './chromium.js';

/**
 * The GraphiQL playground in a real browser: it renders from the apiserver's own files
 * (every request the page makes is same-origin: no CDN), runs the first example tab and
 * shows the apiserver's answer.
 */
describe.skipIf(!chromiumAvailable())('GraphiQL playground in Chromium', () => {
  let api: LiveApiserver;
  let chromium: LaunchedBrowser;

  beforeAll(async () => {
    api = await startLiveApiserver();
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    await api?.close();
  });

  it('renders offline, runs the example query and shows the result', async () => {
    const page = await chromium.browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));

    await page.goto(`${api.url}/graphiql`);
    await page.waitForSelector('.graphiql-container', { timeout: 30_000 });
    // The first tab holds the DeploymentsToNodes example (relations).
    await page.locator('.graphiql-query-editor').getByText('DeploymentsToNodes').first().waitFor({ timeout: 30_000 });
    await page.click('.graphiql-execute-button');
    await page.locator('.graphiql-response').getByText('"deployments"').first().waitFor({ timeout: 30_000 });
    const response = await page.textContent('.graphiql-response');
    expect(response).toContain('"items"');
    expect(response).not.toContain('"errors"');
    await page.screenshot({ path: artifactPath('graphiql-playground.png') });

    const origin = new URL(api.url).origin;
    const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(foreign).toEqual([]);
    expect(requests.some((u) => u.endsWith('/graphql'))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
