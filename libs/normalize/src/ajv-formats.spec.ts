import Ajv2020 from 'ajv/dist/2020';
import { addHubFormats } from './ajv-formats';

const ajv = addHubFormats(new Ajv2020({ strict: true }));
const valid = (format: string, value: unknown) => ajv.validate({ type: 'string', format }, value);

describe('addHubFormats', () => {
  it.each<[string, string[], unknown[]]>([
    [
      'citizen-id',
      ['500381195603022029', '500381560302202', '11010519491231002x'],
      ['50038119560302202x', '5003811956', ''],
    ],
    [
      'citizen-id-shape',
      ['50038119560302202x', '500381195603022029', '500381560302202'],
      ['5003811956030220', '50038119560302202Y', ''],
    ],
    ['uscc', ['914403001922038216', '9144030071526726XG'], ['914403001922038217', 'ABC']],
    ['compact-date', ['19560302', '20240229'], ['19560230', '1956-03-02', '1956030']],
    ['iso-date', ['1956-03-02', '2024-02-29'], ['2023-02-29', '19560302', '1956-3-2']],
    [
      'loose-date',
      ['1956.03', '1956年3月', '1956-03-02', '1956'],
      ['1956.13', '2023-02-30', '', 'soon'],
    ],
    [
      'beijing-datetime',
      ['2023/8/24 9:30', '2023-08-24 09:30:00', '2023-08-24', '2023-08-20T16:02:11+08:00'],
      ['2023-08-24 25:00', '1956.03', ''],
    ],
    [
      'division-code',
      ['500116', '500116005', '500116005002'],
      ['5001160', '50011600500', '500116-005'],
    ],
    ['grid-code', ['500116005002-03'], ['500116005002-3', '500116005-03']],
    ['decimal-yuan', ['650.00', '650', '0.5'], ['650.000', '-650', '6,50', '.5']],
  ])('%s', (format, good, bad) => {
    for (const v of good) expect([v, valid(format, v)]).toEqual([v, true]);
    for (const v of bad) expect([v, valid(format, v)]).toEqual([v, false]);
  });

  it('leaves non-strings to the type keyword', () => {
    const loose = addHubFormats(new Ajv2020({ strict: false }));
    expect(loose.validate({ format: 'citizen-id' }, 42)).toBe(true);
  });
});
