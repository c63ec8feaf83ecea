import {
  blockKeys,
  blocksOfFeatures,
  blocksOfStored,
  familyBlock,
  familyContextBlock,
  nameKeyOfBlock,
  placeBlock,
  placeContextBlock,
} from './block-keys';
import { personFeatures } from './person-features';

const PLACE = '3f2b8c9e-5d1a-4c7b-9e2f-0a1b2c3d4e5f';
const ID = '500116195001011234';

describe('block keys', () => {
  it('takes apart the family- and place-context blocks it builds', () => {
    expect(familyBlock(familyContextBlock('chenzhigang', ID))).toEqual({
      nameKey: 'chenzhigang',
      familyOf: ID,
    });
    expect(placeBlock(placeContextBlock('chenzhigang', PLACE))).toEqual({
      nameKey: 'chenzhigang',
      place: PLACE,
    });
    expect(nameKeyOfBlock(placeContextBlock('chenzhigang', PLACE))).toBe('chenzhigang');
    expect(nameKeyOfBlock('|i' + ID)).toBe('');
  });

  it('puts a stored mention with a valid ID in the place-context blocks of its places', () => {
    expect(
      blocksOfStored({
        block: 'hejianping|1966',
        anchor_block: 'hejianping|p13900002001',
        id_key: ID,
        places: [PLACE],
      }),
    ).toEqual([
      'hejianping|1966',
      'hejianping|p13900002001',
      placeContextBlock('hejianping', PLACE),
    ]);
    // Without a valid ID it is tied to no place.
    expect(
      blocksOfStored({
        block: 'hejianping|1966',
        anchor_block: null,
        id_key: null,
        places: [PLACE],
      }),
    ).toEqual(['hejianping|1966']);
  });

  it('gives a new mention the blocks a stored one with the same features is in', () => {
    const features = {
      ...personFeatures([
        { attribute: 'name', value: '何建平', valid: true },
        { attribute: 'birth_date', value: '1966-06-06', valid: true },
        { attribute: 'phone', value: '13900002001', valid: true },
      ]),
      idNumber: ID,
      places: [PLACE],
    };
    const { block, anchorBlock } = blockKeys(features);
    expect(blocksOfFeatures(features)).toEqual(
      blocksOfStored({ block, anchor_block: anchorBlock, id_key: ID, places: [PLACE] }),
    );
  });
});
