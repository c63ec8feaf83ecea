import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoFolder } from '@hub/contracts';
import { loadAccessRules } from './access-rules';
import { permissionMatrix } from './permission-matrix';

describe('the README permission table', () => {
  it('is the table rules/access/roles.json gives', () => {
    const readme = readFileSync(join(findRepoFolder('rules'), '..', 'README.md'), 'utf8');
    const start = '<!-- permission-matrix: made from rules/access/roles.json -->\n';
    const end = '\n<!-- /permission-matrix -->';
    const table = readme.slice(readme.indexOf(start) + start.length, readme.indexOf(end));
    expect(readme).toContain(start);
    // On a failure, paste the expected table into the README between the two markers. Cells are
    // compared trimmed, so Prettier may align the columns.
    const cells = (markdown: string) =>
      markdown
        .trim()
        .split('\n')
        .map((row) =>
          row
            .split('|')
            .map((cell) => cell.trim().replace(/^:?-+(:?)$/, '---$1'))
            .join('|'),
        );
    expect(cells(table)).toEqual(cells(permissionMatrix(loadAccessRules())));
  });

  it('denies what the rules are silent about: every role lacks some permission', () => {
    const rules = loadAccessRules();
    for (const role of Object.values(rules.roles))
      expect(role.permissions.length).toBeLessThan(Object.keys(rules.permissions).length);
  });
});
