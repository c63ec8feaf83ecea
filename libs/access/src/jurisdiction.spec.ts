import fc from 'fast-check';
import { covers, EVERYWHERE, jurisdictionOf, narrowDivision } from './jurisdiction';

describe('jurisdictionOf', () => {
  it.each([
    ['500000', '50'],
    ['500100', '5001'],
    ['500116', '500116'],
    ['500116005', '500116005'],
    ['500116005001', '500116005001'],
  ])('%s → %s', (code, prefix) => expect(jurisdictionOf(code)).toBe(prefix));

  it('refuses what is not a division code', () => {
    for (const bad of ['', '5001', '50011600', 'abcdef', '5001160050011'])
      expect(() => jurisdictionOf(bad)).toThrow('not a division code');
  });
});

describe('covers', () => {
  it('a township covers its villages, not its neighbour nor its county', () => {
    const township = jurisdictionOf('500116005');
    expect(covers(township, '500116005001')).toBe(true);
    expect(covers(township, '500116005')).toBe(true);
    expect(covers(township, '500116006001')).toBe(false);
    expect(covers(township, '500116')).toBe(false);
    expect(covers(township, null)).toBe(false);
  });

  it('everywhere covers every known and unknown division', () => {
    expect(covers(EVERYWHERE, '500116005001')).toBe(true);
    expect(covers(EVERYWHERE, null)).toBe(true);
  });
});

describe('narrowDivision', () => {
  it('keeps a request inside the jurisdiction, narrows a wider one, refuses another one', () => {
    expect(narrowDivision('500116005', '500116005001')).toBe('500116005001');
    expect(narrowDivision('500116005', '500116')).toBe('500116005');
    expect(narrowDivision('500116005', undefined)).toBe('500116005');
    expect(narrowDivision('500116005', '500116006')).toBeNull();
  });

  it('never answers a prefix outside the jurisdiction', () => {
    const code = fc.stringMatching(/^\d{2,12}$/);
    fc.assert(
      fc.property(code, code, (jurisdiction, requested) => {
        const narrowed = narrowDivision(jurisdiction, requested);
        if (narrowed !== null) expect(narrowed.startsWith(jurisdiction)).toBe(true);
      }),
    );
  });
});
