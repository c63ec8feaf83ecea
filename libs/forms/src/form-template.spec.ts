import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoFolder } from '@hub/contracts';
import { loadFormTemplates } from './form-template';

// A template as the tests change it: plain JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Template = Record<string, any>;

const KNOWN = {
  purposes: ['dibao-review', 'elderly-allowance-review', 'grid-visit', 'statistics'],
  roles: [
    'district-admin',
    'township-staff',
    'community-staff',
    'grid-worker',
    'reviewer',
    'operator',
  ],
};

/** A forms folder holding one template: the elderly allowance form, changed by `change`. */
function folderWith(change: (template: Template) => void, file = 'elderly-allowance.json') {
  const template = JSON.parse(
    readFileSync(join(findRepoFolder('forms'), 'elderly-allowance.json'), 'utf8'),
  ) as Template;
  change(template);
  const dir = mkdtempSync(join(tmpdir(), 'hub-forms-'));
  writeFileSync(join(dir, file), JSON.stringify(template));
  return dir;
}

describe('form templates', () => {
  it('loads the four forms of shared/forms.md', () => {
    const templates = loadFormTemplates(KNOWN);
    expect(templates.map((t) => [t.id, t.title, t.subject])).toEqual([
      ['dibao-household', '城乡低保申请家庭情况表', 'household'],
      ['elderly-allowance', '高龄津贴申领审核表', 'person'],
      ['elderly-roster', '辖区80周岁以上老人花名册', 'division'],
      ['grid-visit', '网格入户走访登记表', 'place'],
    ]);
  });

  it.each([
    [
      'a field without a label',
      (t: Template) => delete t.sections[0].fields[0].label,
      /\/sections\/0\/fields\/0: must have required property 'label'/,
    ],
    [
      'a computed value that does not exist',
      (t: Template) => (t.sections[0].fields[4].source = { computed: 'zodiac' }),
      /\/sections\/0\/fields\/4\/source/,
    ],
    [
      'a purpose not on the list',
      (t: Template) => (t.purpose = 'curiosity'),
      /\/purpose: curiosity is not a purpose/,
    ],
    [
      'a role that does not exist',
      (t: Template) => (t.roles = ['mayor']),
      /\/roles\/0: mayor is not a role/,
    ],
    [
      'a row source outside a table',
      (t: Template) => (t.sections[0].fields[0].source = { row: 'date' }),
      /\/sections\/0\/fields\/0\/source: a row source belongs in a table section/,
    ],
    [
      'a write-back on a field staff do not fill',
      (t: Template) => (t.sections[0].fields[0].writeBack = 'name'),
      /\/sections\/0\/fields\/0\/writeBack: only fields staff fill/,
    ],
    [
      'a field key twice',
      (t: Template) => (t.sections[0].fields[1].key = 'name'),
      /\/sections\/0\/fields\/1\/key: name twice/,
    ],
  ])('stops at %s, naming the file and the field', (_what, change, message) => {
    const dir = folderWith(change);
    expect(() => loadFormTemplates(KNOWN, dir)).toThrow(
      /form template .*elderly-allowance\.json: /,
    );
    expect(() => loadFormTemplates(KNOWN, dir)).toThrow(message);
  });

  it('stops at a file not named after its id', () => {
    const dir = folderWith(() => undefined, 'old-name.json');
    expect(() => loadFormTemplates(KNOWN, dir)).toThrow(
      /old-name\.json: \/id: elderly-allowance is not the file name old-name/,
    );
  });
});
