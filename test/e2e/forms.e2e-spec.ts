import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PHONE, staffPageSuite } from './staff-page';

/*
 * 一表通 in the browser: a township clerk (demo-township, 杜市镇) finds an 80+ resident, opens her
 * 高龄津贴 form, corrects the phone and submits; her 低保 form then shows the corrected phone with
 * 镇街采集 and the clerk as its source. 韦玲娟 (born 1941, demo data) lives on 三才大道 in 杜市镇:
 * the demo data has no resident aged 80 or more in 梅湾村, demo-community's village.
 */
const RESIDENT_ID_NUMBER = '500381194106199689';
const RESIDENT_NAME = '韦玲娟';
const FIRST_PHONE = '13900001234';
const SECOND_PHONE = '13900005678';

/** From /forms, a form of the resident by ID number, as a clerk starts one. */
async function openForm(page: Page, url: string, formId: string) {
  await page.goto(`${url}/forms`);
  const card = page.getByTestId(`form-card-${formId}`);
  await card.getByLabel('公民身份号码').fill(RESIDENT_ID_NUMBER);
  await card.getByRole('button', { name: /打\s*开/ }).click();
  await page.getByTestId('form-subject').filter({ hasText: RESIDENT_NAME }).waitFor();
}

/** From the search page: the purpose of the task in the header, the name, her page. */
async function findResident(page: Page) {
  await page.getByTestId('purpose').click();
  await page.locator('.ant-select-item-option').filter({ hasText: '高龄津贴审核' }).click();
  await page.getByTestId('search-input').fill(RESIDENT_NAME);
  await page.getByTestId('search-submit').click();
  await page.getByTestId('search-result').getByRole('link', { name: RESIDENT_NAME }).click();
  await page.getByTestId('resident-name').filter({ hasText: RESIDENT_NAME }).waitFor();
}

/** The source of a value, shown on hover (and tap). */
async function sourceOf(page: Page, path: string): Promise<string> {
  await page.getByTestId(`value-${path}`).hover();
  const popover = page.locator('.ant-popover:visible').filter({ hasText: '来源部门' });
  await popover.waitFor();
  const text = (await popover.textContent()) ?? '';
  await page.mouse.move(0, 0);
  await popover.waitFor({ state: 'hidden' });
  return text;
}

/** Corrects the phone, fills what staff fill, submits, and waits for the submission id. */
async function correctPhoneAndSubmit(page: Page, phone: string) {
  await page.getByTestId('correct-person.phone').click();
  await page.getByTestId('input-person.phone').fill(phone);
  await page.getByLabel('银行账号').fill('6217 0000 1234 5678');
  await page.getByLabel('审核意见').fill('年满80周岁，材料齐全，同意申领。');
  await page.getByTestId('form-submit').first().click();
  await page.getByTestId('submission-id').waitFor();
}

describe('staff page: forms (一表通)', () => {
  const suite = staffPageSuite();

  it('prefills the 高龄津贴 form, takes a corrected phone, and the 低保 form shows it from 镇街采集', async () => {
    const { context, page } = await suite.open();
    await suite.login(page, 'demo-township');

    await findResident(page);
    const residentPage = page.url();
    await page.getByTestId('open-form-elderly-allowance').click();
    await page.getByTestId('form-title').filter({ hasText: '高龄津贴申领审核表' }).waitFor();
    await page.getByTestId('form-subject').filter({ hasText: RESIDENT_NAME }).waitFor();
    expect(await page.getByTestId('value-person.idNumber').textContent()).toBe(RESIDENT_ID_NUMBER);
    expect(await page.getByTestId('value-person.birthDate').textContent()).toBe('1941年6月19日');
    expect(await page.getByTestId('form-missing').textContent()).toContain('银行账号');
    expect(await sourceOf(page, 'person.phone')).toMatch(/来源部门：(民政|公安|网格)/);
    await suite.screenshot(page, 'form-desktop');

    // The print view: the form alone, as a bordered table with lines to sign.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('print-form').isVisible()).toBe(true);
    expect(await page.getByTestId('section-person').isVisible()).toBe(false);
    expect(await page.getByTestId('print-form').textContent()).toContain('经办人签字');
    await suite.screenshot(page, 'form-print');
    await page.emulateMedia({ media: 'screen' });

    await correctPhoneAndSubmit(page, FIRST_PHONE);
    // Reloaded: the corrected phone is now the hub's, from the clerk's submission.
    await page.getByTestId('value-person.phone').filter({ hasText: FIRST_PHONE }).waitFor();
    expect(await sourceOf(page, 'person.phone')).toContain('镇街采集');

    // A grid worker's phone-sized screen: the same form, then a submission that finds the
    // subject changed since its prefill (409): reload, and submit again.
    const phone = await suite.open(PHONE);
    await suite.login(phone.page, 'demo-township');
    await openForm(phone.page, suite.url, 'elderly-allowance');
    await phone.page.getByTestId('value-person.phone').filter({ hasText: FIRST_PHONE }).waitFor();
    await suite.screenshot(phone.page, 'form-phone');

    await correctPhoneAndSubmit(page, SECOND_PHONE);
    await phone.page.getByLabel('银行账号').fill('6217 0000 1234 5678');
    await phone.page.getByLabel('审核意见').fill('同意。');
    await phone.page.getByTestId('form-submit').first().click();
    const changed = phone.page.getByTestId('form-changed');
    await changed.waitFor();
    expect(await changed.textContent()).toContain('联系电话');
    await suite.screenshot(phone.page, 'form-phone-changed');
    await phone.page.getByTestId('changed-reload').click();
    await phone.page.getByTestId('value-person.phone').filter({ hasText: SECOND_PHONE }).waitFor();
    await phone.page.getByTestId('form-submit').first().click();
    await phone.page.getByTestId('submission-id').waitFor();
    await phone.context.close();

    // The 低保 form of the same person, from her page: the phone the clerk corrected, from 镇街采集.
    await page.goto(residentPage);
    await page.getByTestId('open-form-dibao-household').click();
    await page.getByTestId('form-title').filter({ hasText: '城乡低保申请家庭情况表' }).waitFor();
    await page.getByTestId('value-applicant.phone').filter({ hasText: SECOND_PHONE }).waitFor();
    await page.getByTestId('value-applicant.phone').hover();
    await page.getByTestId('source-clerk').filter({ hasText: 'demo-township' }).waitFor();
    expect(await page.getByTestId('source-department').textContent()).toBe('镇街采集');
    await suite.screenshot(page, 'form-dibao');
    await context.close();
  });

  it('downloads the 80+ roster of the division as an Excel workbook', async () => {
    const { context, page } = await suite.open();
    await suite.login(page, 'demo-township');
    await page.goto(`${suite.url}/roster`);
    await page.getByTestId('roster-division').filter({ hasText: '杜市镇' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('roster-download').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const file = join(mkdtempSync(join(tmpdir(), 'roster-')), download.suggestedFilename());
    await download.saveAs(file);
    expect(statSync(file).size).toBeGreaterThan(0);
    await page.getByTestId('roster-done').waitFor();
    await suite.screenshot(page, 'roster');
    await context.close();
  });
});
