import type { FieldPolicy } from '@hub/access';
import type { FormTemplate } from './form-template';
import { maskEntered } from './form-masking';

const template = {
  id: 'visit',
  sections: [
    {
      key: 'applicant',
      fields: [
        { key: 'idNumber', label: '身份证号', mask: 'idNumber' },
        { key: 'phone', label: '联系电话', mask: 'phone', staff: true },
        { key: 'reason', label: '申请理由', staff: true },
      ],
    },
  ],
} as unknown as FormTemplate;

const entered = {
  'applicant.phone': '13912345678',
  'applicant.idNumber': '500381195603022029',
  'applicant.reason': '无固定收入',
};

describe('maskEntered: the values a clerk entered, as the reader may see them', () => {
  it('masks the fields of a masking class by the reader’s policy, leaves the rest', () => {
    const policy: FieldPolicy = { idNumber: 'masked', phone: 'omit', address: 'full' };
    expect(maskEntered(template, entered, policy)).toEqual({
      'applicant.idNumber': '500381********2029',
      'applicant.reason': '无固定收入',
    });
  });

  it('gives everything to a reader who may see it in full', () => {
    const policy: FieldPolicy = { idNumber: 'full', phone: 'full', address: 'full' };
    expect(maskEntered(template, entered, policy)).toEqual(entered);
  });
});
