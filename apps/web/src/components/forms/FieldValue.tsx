import { EditOutlined, WarningOutlined } from '@ant-design/icons';
import { Button, DatePicker, Input, Radio, Space, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { alternativeText, SourceInfo } from './SourceInfo';
import { conflictChoices, flagReason, isMasked, readable } from './form-values';
import type { FilledField } from './types';
import type { FormEditActions, FormEdits } from './useFormEdits';

/** Fields staff write at length, and dates: an input that fits each. */
const LONG_TEXT = new Set(['opinion', 'reason', 'findings']);
const DATES = new Set(['visitDate']);

export const inputId = (path: string) => `field-${path.replace('.', '-')}`;

/** The input of a field staff fill or correct, labelled by the field's label (htmlFor). */
function FieldInput({
  path,
  field,
  value,
  onChange,
  warning,
}: {
  path: string;
  field: FilledField;
  value: string;
  onChange: (text: string) => void;
  warning?: boolean;
}) {
  const common = {
    id: inputId(path),
    value,
    status: warning ? ('warning' as const) : undefined,
    placeholder: warning ? '缺失，请补充' : `请填写${field.label}`,
    'data-testid': `input-${path}`,
  };
  if (DATES.has(field.key))
    return (
      <DatePicker
        id={common.id}
        value={value ? dayjs(value) : null}
        status={common.status}
        placeholder={warning ? '缺失，请补充' : '请选择日期'}
        format={['YYYY年M月D日', 'YYYY-MM-DD']}
        onChange={(date) => onChange(date ? date.format('YYYY-MM-DD') : '')}
        data-testid={common['data-testid']}
      />
    );
  if (LONG_TEXT.has(field.key))
    return (
      <Input.TextArea
        {...common}
        autoSize={{ minRows: 2, maxRows: 6 }}
        maxLength={500}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  return (
    <Input
      {...common}
      inputMode={field.mask === 'phone' ? 'tel' : undefined}
      maxLength={200}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** The value a source gives, with its source on hover or tap. */
const Sourced = ({ field, path }: { field: FilledField; path: string }) => (
  <SourceInfo
    provenance={field.provenance}
    alternatives={field.alternatives}
    testId={`value-${path}`}
  >
    {readable(field.display)}
  </SourceInfo>
);

/**
 * One field of a form as the clerk works on it, by its status: a value with its source (and a
 * 更正 button where staff may correct it), an orange 缺失 where no source gives it, an input
 * where staff fill it, the sources' values to choose from where they disagree, a warning with
 * its reason where the value is doubtful.
 */
export function FieldValue({
  path,
  field,
  edits,
  actions,
}: {
  path: string;
  field: FilledField;
  edits: FormEdits;
  actions: FormEditActions;
}) {
  const entered = edits.entered[path] ?? '';
  const input = (warning?: boolean) => (
    <FieldInput
      path={path}
      field={field}
      value={entered}
      warning={warning}
      onChange={(text) => actions.type(path, text)}
    />
  );
  if (edits.editing[path])
    return (
      <Space.Compact style={{ width: '100%' }}>
        {input()}
        <Button onClick={() => actions.cancelCorrection(path)}>取消更正</Button>
      </Space.Compact>
    );
  const correct = field.staff && (
    <Tooltip title={`更正${field.label}`}>
      <Button
        size="small"
        type="link"
        icon={<EditOutlined />}
        aria-label={`更正${field.label}`}
        data-testid={`correct-${path}`}
        onClick={() => actions.startCorrection(path, field)}
      >
        更正
      </Button>
    </Tooltip>
  );
  switch (field.status) {
    case 'staff':
      return input();
    case 'missing':
      return field.staff ? (
        input(true)
      ) : (
        <Tooltip title="各部门均无此项数据：请向来源部门核实补录，打印后可手写">
          <span className="forms-missing" tabIndex={0} data-testid={`missing-${path}`}>
            缺失，请补充
          </span>
        </Tooltip>
      );
    case 'filled':
      return (
        <Space size={4} wrap>
          <Sourced field={field} path={path} />
          {correct}
        </Space>
      );
    case 'flagged':
      return (
        <Space size={4} wrap>
          <Sourced field={field} path={path} />
          <Typography.Text type="warning" data-testid={`flag-${path}`}>
            <WarningOutlined aria-hidden /> {flagReason(field)}
          </Typography.Text>
          {correct}
        </Space>
      );
    case 'conflict': {
      const choices = conflictChoices(field);
      return (
        <div data-testid={`conflict-${path}`}>
          <Typography.Text type="warning">
            <WarningOutlined aria-hidden /> 各来源不一致，请选择：
          </Typography.Text>
          <Radio.Group
            aria-label={`${field.label}：选择采用的值`}
            value={edits.chosen[path]}
            onChange={(e) => actions.choose(path, field, e.target.value as number)}
            style={{ display: 'flex', flexDirection: 'column', gap: 4, marginTop: 4 }}
          >
            {choices.map((choice, index) => (
              <Radio
                key={index}
                value={index}
                disabled={field.staff && isMasked(field, choice.display)}
              >
                {alternativeText(choice)}
                {index === 0 && (
                  <Typography.Text type="secondary">（系统当前采用）</Typography.Text>
                )}
              </Radio>
            ))}
          </Radio.Group>
          {!field.staff && edits.chosen[path] !== undefined && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              此项以部门数据为准，选择只用于打印；如有误请联系来源部门更正。
            </Typography.Text>
          )}
          {correct}
        </div>
      );
    }
  }
}
