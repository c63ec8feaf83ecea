import { Button, Form, Grid, Input, Select } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useSession } from '../../session';
import type { FormSubjectQuery, FormSummary } from './types';
import { useDivisionOptions } from './useDivisionOptions';

/** /forms/<id>?personId=… : the address of a form prefilled for a subject. */
export function formLink(formId: string, subject: FormSubjectQuery): string {
  const query = new URLSearchParams(
    Object.entries(subject).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  return `/forms/${formId}?${query.toString()}`;
}

const ID_NUMBER = /^(\d{17}[\dXx]|\d{15})$/;

/**
 * How a form is started for its subject: a resident by ID number (or the resident the user
 * came from), an address as written, a division (the user's own by default).
 */
export function SubjectStarter({ form, personId }: { form: FormSummary; personId?: string }) {
  const navigate = useNavigate();
  const { me } = useSession();
  const divisions = useDivisionOptions(form.subject === 'division' ? me?.divisionCode : null);
  const open = (subject: FormSubjectQuery) => void navigate(formLink(form.id, subject));
  const name = `start-${form.id}`;
  // A phone stacks the label, the input and the button; a desktop keeps them on one line.
  const narrow = !Grid.useBreakpoint().sm;
  const layout = narrow ? ('vertical' as const) : ('inline' as const);
  const width = (px: number) => (narrow ? '100%' : px);

  switch (form.subject) {
    case 'person':
    case 'household':
      return (
        <>
          {personId && (
            <Button
              type="primary"
              style={{ marginBottom: 12 }}
              data-testid={`open-${form.id}`}
              onClick={() => open({ personId })}
            >
              为该居民填写
            </Button>
          )}
          <Form
            name={name}
            layout={layout}
            onFinish={(v: { idNumber: string }) => open({ idNumber: v.idNumber.trim() })}
          >
            <Form.Item
              label="公民身份号码"
              name="idNumber"
              rules={[
                { required: true, message: '请输入公民身份号码' },
                { pattern: ID_NUMBER, message: '应为18位（或15位）公民身份号码' },
              ]}
              style={{ marginBottom: 8 }}
            >
              <Input
                placeholder="18位公民身份号码"
                maxLength={18}
                style={{ width: width(220) }}
                data-testid={`idnumber-${form.id}`}
              />
            </Form.Item>
            <Form.Item style={{ marginBottom: 8 }}>
              <Button htmlType="submit">打开</Button>
            </Form.Item>
          </Form>
        </>
      );
    case 'place':
      return (
        <Form
          name={name}
          layout={layout}
          onFinish={(v: { address: string }) => open({ address: v.address.trim() })}
        >
          <Form.Item
            label="地址"
            name="address"
            rules={[{ required: true, message: '请输入地址' }]}
            extra="未写的镇街、村社区按您所在辖区"
            style={{ marginBottom: 8 }}
          >
            <Input
              placeholder="东门路12号3-2-501"
              maxLength={200}
              style={{ width: width(240) }}
              data-testid={`address-${form.id}`}
            />
          </Form.Item>
          <Form.Item style={{ marginBottom: 8 }}>
            <Button htmlType="submit">打开</Button>
          </Form.Item>
        </Form>
      );
    case 'division':
      return (
        <Form
          name={name}
          layout={layout}
          key={me?.divisionCode ?? ''}
          initialValues={{ divisionCode: me?.divisionCode }}
          onFinish={(v: { divisionCode: string }) => open({ divisionCode: v.divisionCode })}
        >
          <Form.Item
            label="辖区"
            name="divisionCode"
            rules={[{ required: true, message: '请选择辖区' }]}
            style={{ marginBottom: 8 }}
          >
            <Select
              options={divisions}
              style={{ width: width(220) }}
              showSearch={{ optionFilterProp: 'label' }}
              data-testid={`division-${form.id}`}
            />
          </Form.Item>
          <Form.Item style={{ marginBottom: 8 }}>
            <Button htmlType="submit">打开</Button>
          </Form.Item>
        </Form>
      );
  }
}
