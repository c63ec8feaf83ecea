import { DivisionIndex } from '@hub/normalize';
import { CHONGQING, readProvinceDivisions } from '@hub/places';
import { keyedEntityId, organizationKey, placeKey, placeKeyOfText } from './keyed-entities';

const address = (divisionCode: string | null, detail: string) => [
  { attribute: 'address', value: { divisionCode, detail }, valid: true },
];

let divisions: DivisionIndex;
beforeAll(async () => {
  divisions = new DivisionIndex(await readProvinceDivisions(CHONGQING));
});

describe('placeKey', () => {
  const keyed = (divisionCode: string, detail: string) => {
    const key = placeKey(address(divisionCode, detail));
    if (key?.kind !== 'keyed') throw new Error(`not keyed: ${JSON.stringify(key)}`);
    return key;
  };

  it('gives the issue’s three spellings of one flat one place, whichever division depth is named', () => {
    const a = keyed('500116005', '东门路12号3栋2单元501室');
    const b = keyed('500116005002', '东门路12号3-2-501');
    const c = keyed('500116005', '东门路１２号3幢2单元501');
    expect(new Set([a.id, b.id, c.id]).size).toBe(1);
    expect(a.columns).toMatchObject({
      level: 'address',
      name: '东门路12号3栋2单元501室',
      division_code: '500116005',
    });
  });

  it('gives the addresses issue’s spellings of one flat one place, typed as text', () => {
    const ids = [
      '双福大道72号2栋3单元501室',
      '双福大道72号2-3-501',
      '鼎山街道双福大道72号2幢3单元501',
      '重庆市江津区鼎山街道东门社区双福大道72号2栋3单元501',
      '鼎山街道双福大道７２号二栋三单元五〇一',
      '鼎山街道艾坪山社区双福大道72号2栋3单元501室',
    ].map((text) => {
      const key = placeKeyOfText(text, divisions, '500116005002');
      return key?.kind === 'keyed' ? key.id : key;
    });
    expect(new Set(ids).size).toBe(1);
  });

  it('makes a less specific address the parent place, not the same place', () => {
    const flat = keyed('500116005', '双福大道72号2栋3单元501室');
    const building = keyed('500116005', '双福大道72号2栋');
    expect(flat.id).not.toBe(building.id);
    const chain: string[] = [];
    for (let k = flat.parent; k?.kind === 'keyed'; k = k.parent) chain.push(k.id);
    expect(chain).toContain(building.id);
    expect(chain.at(-1)).toBe(keyed('500116005', '双福大道72号').id);
    expect(flat.columns.parent_id).toBe(chain[0]);
    expect(keyed('500116005', '双福大道72号').columns.parent_id).toBeNull();
  });

  it('keeps a village it does not know in the key of a village-group address', () => {
    expect(keyed('500116005', '石龙村3组41号').id).not.toBe(
      keyed('500116005', '桥坪村3组41号').id,
    );
    expect(keyed('500116005', '石龙村三组41号').id).toBe(keyed('500116005', '石龙村3组41号').id);
  });

  it('keeps the same road number in two townships apart', () => {
    expect(keyed('500116005', '东门路12号').id).not.toBe(keyed('500116001', '东门路12号').id);
  });

  it('keys a village-group address in its village: 3组41号 recurs in every village', () => {
    const one = keyed('500116100201', '3组41号');
    const other = keyed('500116100202', '3组41号');
    expect(one.id).not.toBe(other.id);
    expect(one.columns).toMatchObject({ division_code: '500116100201' });
  });

  it('sends a division-only address to the division and leaves an unplaced one unkeyed', () => {
    expect(placeKey(address('500116005', ''))).toEqual({ kind: 'division', code: '500116005' });
    expect(placeKey(address(null, '东门路12号'))).toBeNull();
  });
});

describe('organizationKey', () => {
  const org = (values: Record<string, unknown>) =>
    organizationKey(
      Object.entries(values).map(([attribute, value]) => ({ attribute, value, valid: true })),
    );

  it('keys by social credit code, whatever the name', () => {
    expect(org({ uscc: '91500116MA5U7XQ12K', name: '鼎山便民超市' })).toEqual(
      org({ uscc: '91500116MA5U7XQ12K' }),
    );
  });

  it('keys by name inside the county without a valid code', () => {
    const here = org({
      name: '江津区 鼎山便民超市',
      address: { divisionCode: '500116005002', detail: '' },
    });
    const there = org({
      name: '江津区鼎山便民超市',
      address: { divisionCode: '500116001', detail: 'x' },
    });
    expect(here).toEqual(there);
    expect(
      org({ name: '鼎山便民超市', address: { divisionCode: '500115001', detail: '' } }),
    ).not.toEqual(
      org({ name: '鼎山便民超市', address: { divisionCode: '500116001', detail: '' } }),
    );
    expect(org({ name: '鼎山便民超市' })).toBeNull();
  });
});

describe('placeKey on an address seen again', () => {
  it('hands out the same key, which nobody can change', () => {
    const first = placeKey(address('500116005', '东门路12号3栋2单元501室'));
    const again = placeKey(address('500116005', '东门路12号3栋2单元501室'));
    expect(again).toBe(first);
    expect(Object.isFrozen(again)).toBe(true);
    if (again?.kind !== 'keyed') throw new Error('not keyed');
    expect(Object.isFrozen(again.columns)).toBe(true);
  });
});

describe('placeKeyOfText: an address as staff type it', () => {
  let divisions: DivisionIndex;
  beforeAll(async () => {
    divisions = new DivisionIndex(await readProvinceDivisions(CHONGQING));
  });
  const DONGMEN = '500116005002'; // 东门社区, 鼎山街道

  it('keys every spelling of one flat as ingest does', () => {
    const ids = [
      '东门路12号3-2-501',
      '鼎山街道东门路12号3栋2单元501室',
      '重庆市江津区鼎山街道东门社区东门路１２号3幢2单元501',
    ].map((a) => placeKeyOfText(a, divisions, DONGMEN));
    expect(ids.every((k) => k?.kind === 'keyed')).toBe(true);
    expect(new Set(ids.map((k) => (k as { id: string }).id)).size).toBe(1);
  });

  it('takes the divisions the text names before the given one', () => {
    const elsewhere = placeKeyOfText('双福街道东门路12号3-2-501', divisions, DONGMEN);
    expect(elsewhere).toMatchObject({ kind: 'keyed' });
    expect((elsewhere as { key: string }).key).not.toContain('|500116005|');
  });

  it('is null without any known division, and a division for a bare division name', () => {
    expect(placeKeyOfText('东门路12号3-2-501', divisions)).toBeNull();
    expect(placeKeyOfText('鼎山街道', divisions)).toEqual({ kind: 'division', code: '500116005' });
  });
});

describe('keyedEntityId', () => {
  it('gives a key with a lone surrogate (valid JSON) an id, as the key with U+FFFD in its place', () => {
    expect(keyedEntityId('place|500116005|东门路12号\ud800')).toBe(
      keyedEntityId('place|500116005|东门路12号\ufffd'),
    );
    expect(keyedEntityId('place|500116005|\udc00东门路')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
