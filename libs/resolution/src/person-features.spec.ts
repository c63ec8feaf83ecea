import { featuresOf } from './test-features';

describe('personFeatures', () => {
  const address = { divisionCode: '500116005', detail: '双福大道72号' };

  it('takes the community of a grid code, apart from the division the address names', () => {
    const features = featuresOf({ residenceAddress: address, gridCode: '500116005002-03' });
    expect(features.division).toBe('500116005');
    expect(features.gridCommunity).toBe('500116005002');
  });

  it('has no grid community without a grid code that starts with one', () => {
    expect(featuresOf({ residenceAddress: address })).not.toHaveProperty('gridCommunity');
    expect(featuresOf({ gridCode: '东门-03' })).not.toHaveProperty('gridCommunity');
    expect(featuresOf({}, { gridCode: '500116005002-03' })).not.toHaveProperty('gridCommunity');
  });
});
