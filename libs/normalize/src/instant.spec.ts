import fc from 'fast-check';
import { InvalidDateError, pad2 } from './calendar';
import { parseInstant } from './instant';

describe('parseInstant', () => {
  it.each([
    ['2023-08-20T16:02:11+08:00', '2023-08-20T08:02:11.000Z'],
    ['2023-08-20T08:02:11Z', '2023-08-20T08:02:11.000Z'],
    ['2023-08-20T08:02:11.5-05:00', '2023-08-20T13:02:11.500Z'],
    ['2023-08-24 09:30:00', '2023-08-24T01:30:00.000Z'],
    ['2023-08-24 09:30', '2023-08-24T01:30:00.000Z'],
    ['2023/8/24 9:30', '2023-08-24T01:30:00.000Z'],
    ['2023/8/24 9:30:15', '2023-08-24T01:30:15.000Z'],
    ['2023-08-24', '2023-08-23T16:00:00.000Z'],
    ['2023/8/24', '2023-08-23T16:00:00.000Z'],
    ['20230824', '2023-08-23T16:00:00.000Z'],
    ['２０２３／８／２４　９：３０', '2023-08-24T01:30:00.000Z'],
  ])('reads %j as %s', (raw, iso) => {
    expect(parseInstant(raw).toISOString()).toBe(iso);
  });

  it.each([
    '',
    'yesterday',
    '2023-02-29 10:00',
    '2023-08-24 24:00',
    '2023-08-24 09:60',
    '2023-08-24T09:30+15:00',
    '2023-08',
    '20230824 09:30',
    '2023-08/24',
    '2023年8月24日',
  ])('throws InvalidDateError naming %j', (raw) => {
    expect(() => parseInstant(raw)).toThrow(InvalidDateError);
    expect(() => parseInstant(raw)).toThrow(JSON.stringify(raw));
  });

  it('reads every Beijing wall-clock time as eight hours before UTC', () => {
    const instant = fc.date({
      min: new Date('1950-01-01T00:00:00Z'),
      max: new Date('2099-12-31T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instant, (d) => {
        const utc = new Date(Math.floor(d.getTime() / 1000) * 1000);
        const bj = new Date(utc.getTime() + 8 * 3600_000);
        const [y, mo, da] = [bj.getUTCFullYear(), bj.getUTCMonth() + 1, bj.getUTCDate()];
        const [h, mi, s] = [bj.getUTCHours(), bj.getUTCMinutes(), bj.getUTCSeconds()];
        const dashed = `${y}-${pad2(mo)}-${pad2(da)} ${pad2(h)}:${pad2(mi)}:${pad2(s)}`;
        expect(parseInstant(dashed)).toEqual(utc);
        expect(parseInstant(`${y}/${mo}/${da} ${h}:${pad2(mi)}:${pad2(s)}`)).toEqual(utc);
        expect(parseInstant(utc.toISOString())).toEqual(utc);
        expect(parseInstant(`${dashed.replace(' ', 'T')}+08:00`)).toEqual(utc);
      }),
    );
  });
});
