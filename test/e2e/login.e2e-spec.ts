import { staffPageSuite } from './staff-page';

/** The staff page as a user first meets it: served by the API, in Chinese, behind a login. */
describe('staff page: login', () => {
  const suite = staffPageSuite();

  it('serves the page in Chinese and logs a demo clerk in, showing role and jurisdiction', async () => {
    const { context, page } = await suite.open();
    await page.goto(suite.url);
    await page.waitForURL(/\/login$/);
    await suite.screenshot(page, 'login');
    expect(await page.title()).toBe('基层数据共享平台 · 工作台');
    await page.getByLabel('用户名').fill('demo-community');
    await page.getByLabel('密码').fill('wrong password');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByText('用户名或密码不正确').waitFor();
    await suite.login(page, 'demo-community');
    await page.getByTestId('jurisdiction').filter({ hasText: '梅湾村' }).waitFor();
    expect(await page.getByTestId('who').textContent()).toContain('社区');
    await suite.screenshot(page, 'after-login');
    await context.close();
  });
});
