import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AccountsBootstrap, DEMO_PASSWORD } from '@hub/access';
import { FeedPipeline, loadDemoData } from '@hub/feeds';
import { staffPageDir } from '../../apps/api/src/staff-page';
import { scenarioDatabase } from '../support/scenario-database';
import { startTestApi } from '../support/scenario-api';
import { testConfig } from '../support/test-config';

/** Screenshots of the browser tests: test-output/e2e/<name>.png (not committed). */
export const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'e2e');

/** Desktop at a township office and a grid worker's phone, as the issue names them. */
export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

/**
 * Debian's chromium (installed by .ci/run with apt-get; HUB_CHROMIUM overrides): the browser is
 * never downloaded.
 */
function chromiumPath(): string {
  const given = process.env.HUB_CHROMIUM;
  if (given) return given;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim();
    } catch {
      // not this one
    }
  }
  throw new Error(
    'no chromium: apt-get install chromium (as .ci/run does), or set HUB_CHROMIUM to a Chrome binary',
  );
}

export interface StaffPageSuite {
  api: INestApplication;
  /** http://127.0.0.1:<port> */
  url: string;
  browser: Browser;
  /** A new browser context (its own session storage) with a page of this viewport size. */
  open(viewport?: {
    width: number;
    height: number;
  }): Promise<{ context: BrowserContext; page: Page }>;
  /** Logs a demo user in on the page (password DEMO_PASSWORD) and waits for the search page. */
  login(page: Page, username: string): Promise<void>;
  /** Saves a screenshot of the page under SCREENSHOTS. */
  screenshot(page: Page, name: string): Promise<void>;
}

/**
 * For a describe block: the hub's API serving the built staff page (dist/web: `npm run build`,
 * which `npm test` runs first; or HUB_WEB_DIR) on a scenario database with the demo data and demo accounts,
 * listening on a free port, and a headless chromium.
 */
export function staffPageSuite(): StaffPageSuite {
  const suite = {} as StaffPageSuite;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const config = testConfig({ HUB_DEMO: 'true' });
    if (!existsSync(join(staffPageDir(config), 'index.html')))
      throw new Error(`the staff page is not built in ${staffPageDir(config)}: npm run build:web`);
    const scenario = await scenarioDatabase();
    drop = () => scenario.drop();
    suite.api = await startTestApi(config, scenario.url);
    await suite.api.get(AccountsBootstrap).run();
    await loadDemoData(suite.api.get(FeedPipeline));
    await suite.api.listen(0, '127.0.0.1');
    const { port } = suite.api.getHttpServer().address() as AddressInfo;
    suite.url = `http://127.0.0.1:${port}`;
    suite.browser = await chromium.launch({
      executablePath: chromiumPath(),
      // As root (CI), chromium's sandbox cannot start.
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
    // A hub, the demo data through the pipeline, demo passwords hashed and a browser: on a busy
    // 2-core machine this outgrows the 2 minutes a hook gets.
  }, 300_000);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.api?.close();
    await drop?.();
  });
  suite.open = async (viewport = DESKTOP) => {
    const context = await suite.browser.newContext({
      viewport,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return { context, page };
  };
  suite.login = async (page, username) => {
    await page.goto(`${suite.url}/login`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByTestId('who').filter({ hasText: '·' }).waitFor();
  };
  suite.screenshot = async (page, name) => {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };
  return suite;
}
