import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '@hub/access';
import { PHONE, staffPageSuite } from './staff-page';

/** An ID number as a grid worker sees it: 500381********2029. */
const MASKED_ID = /^\d{6}\*{8}\d{3}[\dX]$/;

/** 胡家村, next to 梅湾村 (demo-community's and demo-grid's village) in 杜市镇 (demo/*.ndjson). */
const HUJIA = '500116121203';

/** Searches the resident page's one box, after choosing the purpose the page offers. */
async function search(page: Page, text: string, purpose: string) {
  const offer = page.getByTestId(`use-purpose-${purpose}`);
  if (await offer.isVisible()) await offer.click();
  await page.getByTestId('search-input').fill(text);
  await page.getByTestId('search-submit').click();
  await page
    .getByTestId('search-summary')
    .filter({ hasText: `“${text}”` })
    .waitFor();
}

/** A person the demo data puts in a division, found through the API as the district admin. */
async function residentOf(url: string, name: string, divisionCode: string): Promise<string> {
  const login = await fetch(`${url}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'demo-admin', password: DEMO_PASSWORD }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const found = await fetch(`${url}/v1/persons?name=${encodeURIComponent(name)}`, {
    headers: { Authorization: `Bearer ${accessToken}`, 'X-Purpose': 'data-verification' },
  });
  const { persons } = (await found.json()) as {
    persons: { id: string; name: string; divisionCode: string }[];
  };
  const person = persons.find((p) => p.name === name && p.divisionCode === divisionCode);
  if (!person) throw new Error(`the demo data has no ${name} in ${divisionCode}`);
  return person.id;
}

/** Staff find residents of their jurisdiction and read their page, with sources and flags. */
describe('staff page: residents', () => {
  const suite = staffPageSuite();

  it('finds a resident by part of the name and shows their page; a neighbouring village’s resident stays out of reach', async () => {
    const { context, page } = await suite.open();
    await suite.login(page, 'demo-community');
    await search(page, '余浩', 'data-verification');
    // Ranked: the name itself, then the names it begins.
    const results = page.getByTestId('search-result');
    expect(await results.locator('a').allTextContents()).toEqual(['余浩', '余浩晨']);
    await results.getByRole('link', { name: '余浩晨' }).click();

    await page.getByTestId('resident-name').filter({ hasText: '余浩晨' }).waitFor();
    const values = page.getByTestId('golden-values');
    expect(await values.textContent()).toContain('汉族');
    expect(await page.getByTestId('value-gender').textContent()).toBe('男');
    expect(await page.getByTestId('value-relationToHead').textContent()).toBe('户主');
    // 网格 and 公安 give different phones: the value says so, and its sources show on a click.
    await values.getByTestId('disagree-tag').waitFor();
    await page.getByTestId('value-phone').click();
    const sources = page.getByTestId('source-popover');
    await sources.waitFor();
    expect(await sources.textContent()).toMatch(/网格 · 记录 WG-\S+ · \d{4}年\d+月\d+日/);
    expect(await sources.textContent()).toContain('其他来源的不同值');
    expect(await sources.textContent()).toContain('公安');
    // Household members by name and relation, each a link to their page.
    const members = page.getByTestId('household-member');
    expect(await members.count()).toBe(5);
    await members.filter({ hasText: '配偶' }).getByRole('link', { name: '范琴' }).waitFor();
    // The forms about a person or a household open prefilled for them.
    const id = page.url().split('/residents/')[1];
    expect(await page.getByTestId('open-form-elderly-allowance').getAttribute('href')).toBe(
      `/forms/elderly-allowance?personId=${id}`,
    );
    await suite.screenshot(page, 'resident-desktop');

    // A deceased household member: the flag is the first thing on her page.
    await page.keyboard.press('Escape');
    await members.getByRole('link', { name: '余国琴' }).click();
    await page.getByTestId('flag-deceased').filter({ hasText: '已死亡' }).waitFor();
    await page
      .getByTestId('incidents')
      .getByTestId('event')
      .filter({ hasText: '环境卫生' })
      .waitFor();

    // 胡家村 is next door: its residents are neither found nor shown.
    const neighbour = await residentOf(suite.url, '彭婷梅', HUJIA);
    await page.goto(`${suite.url}/`);
    await search(page, '彭婷梅', 'data-verification');
    expect(await results.count()).toBe(0);
    expect(await page.getByTestId('search-summary').textContent()).toContain('没有找到');
    await page.goto(`${suite.url}/residents/${neighbour}`);
    const refused = page.getByTestId('resident-error');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('未找到');
    expect(await refused.textContent()).toContain('不在您的辖区');
    await suite.screenshot(page, 'resident-outside-jurisdiction');
    await context.close();
  });

  it('shows a grid worker on a phone masked ID numbers, in the results and on the page', async () => {
    const { context, page } = await suite.open(PHONE);
    await suite.login(page, 'demo-grid');
    await search(page, '余', 'grid-visit');
    const ids = await page.getByTestId('result-id-number').allTextContents();
    expect(ids.length).toBeGreaterThanOrEqual(4);
    for (const id of ids) expect(id).toMatch(MASKED_ID);
    expect(await page.getByTestId('search-results').textContent()).not.toMatch(/\d{17}[\dX]/);
    await suite.screenshot(page, 'resident-search-phone');

    await page.getByTestId('search-result').getByRole('link', { name: '余浩晨' }).click();
    await page.getByTestId('resident-name').filter({ hasText: '余浩晨' }).waitFor();
    expect(await page.getByTestId('value-idNumber').textContent()).toMatch(MASKED_ID);
    expect(await page.getByTestId('resident').textContent()).not.toMatch(/\d{17}[\dX]/);
    // Sources open on a tap (a click).
    await page.getByTestId('value-idNumber').click();
    await page.getByTestId('source-popover').filter({ hasText: '公安' }).waitFor();
    await page.getByTestId('resident-name').click();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      PHONE.width,
    );
    await suite.screenshot(page, 'resident-phone');
    await context.close();
  });
});
