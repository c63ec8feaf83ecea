import type { Page } from 'playwright-core';
import { idCheckCharacter } from '@hub/normalize';
import { asAdmin, asDepartments, prepareTestAccess } from '../support/access';
import { feedExamples } from '../support/feed-examples';
import { PHONE, staffPageSuite } from './staff-page';

const withCheck = (first17: string) => first17 + idCheckCharacter(first17);

/**
 * A situation the matcher leaves to a reviewer, pushed by the departments as in
 * persons-api.int-spec.ts: twins 李娜 and 李那 (homophones, one birth date, household and phone)
 * in the police feed, and a grid worker's observation of 李娜 without an ID number, which fits both.
 */
async function pushTwinsAndAnObservation(suite: ReturnType<typeof staffPageSuite>) {
  const [police, , grid] = feedExamples();
  const twin = (n: number, name: string, first17: string) => ({
    ...police.value,
    RKBM: `5001162023082490000${n}`,
    GMSFHM: withCheck(first17),
    XM: name,
    CSRQ: '19900101',
    HH: '500116005000999',
    YHZGXDM: '20',
    LXDH: '13900000000',
  });
  const observation: Record<string, unknown> = {
    ...grid.value,
    记录编号: 'WG-500116005002-03-20230824-9001',
    姓名: '李娜',
    出生年月: '1990.01',
    手机号: '13900000000',
    人员类别: '',
    户主姓名: '',
  };
  delete observation['身份证号'];
  await prepareTestAccess(suite.api);
  await asDepartments(suite.api)
    .post('/v1/feeds/population/records')
    .send([twin(1, '李娜', '50011619900101002'), twin(2, '李那', '50011619900101004')])
    .expect(200);
  await asDepartments(suite.api).post('/v1/feeds/grid/records').send([observation]).expect(200);
}

/** The review page asks for the purpose 数据核查 before it reads anyone; the user chooses it. */
async function openReview(suite: ReturnType<typeof staffPageSuite>, page: Page) {
  await suite.login(page, 'demo-reviewer');
  await page.goto(`${suite.url}/review`);
  await page.getByTestId('purpose-needed').waitFor();
  await page.getByRole('button', { name: '改为数据核查' }).click();
  await page.getByTestId('review-task-detail').waitFor();
}

/** Until the persons a review task names are read (no spinner left in the comparison). */
const personsLoaded = (page: Page) =>
  page.locator('[data-testid=review-comparison] .ant-spin').first().waitFor({ state: 'detached' });

/** A reviewer on the staff page: review tasks side by side, decided, and gone from the list. */
describe('staff page: review', () => {
  const suite = staffPageSuite();

  beforeAll(async () => {
    await pushTwinsAndAnObservation(suite);
  });

  it('lets a reviewer link a grid observation to the right twin, and split it off again', async () => {
    const { context, page } = await suite.open();
    await openReview(suite, page);
    const tasks = page.getByTestId('review-task');
    const before = await tasks.count();
    expect(before).toBeGreaterThanOrEqual(1);
    await tasks.filter({ hasText: 'WG-500116005002-03-20230824-9001' }).getByRole('button').click();
    const detail = page.getByTestId('review-task-detail');
    await detail.filter({ hasText: '待审核：李娜' }).waitFor();
    // Side by side: the grid record and both twins' police records, with the evidence.
    const comparison = page.getByTestId('review-comparison');
    await comparison.getByText('李那').first().waitFor();
    await comparison.getByText('1990年1月1日').first().waitFor();
    expect(await comparison.textContent()).toContain('1990年1月');
    expect(await comparison.textContent()).toContain('联系电话相同 +4');
    await suite.screenshot(page, 'review-desktop');

    await page.getByRole('button', { name: /是同一人：候选人员 \d（李娜）/ }).click();
    await page.getByRole('button', { name: '确认合并' }).click();
    await page.getByTestId('review-decided').filter({ hasText: '是同一人' }).waitFor();
    await expect(tasks.count()).resolves.toBe(before - 1);
    expect(await page.getByTestId('review-task-list').textContent()).not.toContain(
      'WG-500116005002-03-20230824-9001',
    );
    await personsLoaded(page);
    await suite.screenshot(page, 'review-decided');

    // And undone: the grid record split off 李娜 again (/review?split=<person>, as from her page).
    const lina = await asAdmin(suite.api)
      .get('/v1/persons')
      .query({ idNumber: withCheck('50011619900101002') })
      .expect(200);
    await page.goto(`${suite.url}/review?split=${lina.body.persons[0].id}`);
    await page.getByRole('checkbox', { name: /WG-500116005002-03-20230824-9001/ }).check();
    await page.getByTestId('split-confirm').click();
    await page.getByRole('button', { name: '确认拆分' }).click();
    await page.getByTestId('split-result').waitFor();
    await suite.screenshot(page, 'review-split');
    await context.close();
  });

  it('shows the comparison on a phone', async () => {
    const { context, page } = await suite.open(PHONE);
    await openReview(suite, page);
    await page.getByTestId('review-comparison').getByText('匹配依据').waitFor();
    await personsLoaded(page);
    await suite.screenshot(page, 'review-phone');
    await context.close();
  });

  it('lets an admin see the users, create one and see it listed', async () => {
    const { context, page } = await suite.open();
    await suite.login(page, 'demo-admin');
    await page.goto(`${suite.url}/admin`);
    const users = page.getByTestId('users');
    await users.getByText('demo-community').waitFor();
    await users.getByText('村社区工作人员').first().waitFor();

    const form = page.getByTestId('create-user');
    await form.getByLabel('用户名').fill('meiwan-clerk');
    await form.getByLabel('姓名').fill('王小梅');
    await form.getByLabel('初始密码').fill('a-long-password-2026');
    await form.getByLabel('角色').click();
    await page.locator('.ant-select-item-option', { hasText: '村社区工作人员' }).click();
    await form.getByLabel('辖区代码').fill('500116121204');
    await form.getByRole('button', { name: '创建用户' }).click();
    const row = users.getByRole('row').filter({ hasText: 'meiwan-clerk' });
    await row.waitFor();
    expect(await row.textContent()).toContain('王小梅');
    expect(await row.textContent()).toContain('村社区工作人员');
    await suite.screenshot(page, 'admin-desktop');

    // A department client: its API key shown once, with a copy button.
    await page.getByRole('tab', { name: '部门客户端' }).click();
    const clientForm = page.getByTestId('create-client');
    await clientForm.getByLabel('客户端名称').fill('江津区网格化管理系统');
    await clientForm.getByLabel('网格', { exact: true }).check();
    await clientForm.getByRole('button', { name: '创建客户端' }).click();
    const key = page.getByTestId('api-key');
    await key.waitFor();
    expect(await key.textContent()).toMatch(/\S{20,}/);
    await page.getByText('密钥只显示这一次').waitFor();
    // The dialog's opening animation over, so that the screenshot shows it whole.
    await page.locator('.ant-zoom-appear, .ant-zoom-enter').first().waitFor({ state: 'detached' });
    await suite.screenshot(page, 'admin-client-key');
    await page.getByRole('button', { name: '我已复制保存，关闭' }).click();
    await page.getByTestId('clients').getByText('江津区网格化管理系统').waitFor();
    await context.close();
  });
});
