import { Alert, Button, Space } from 'antd';
import { readable } from './form-values';
import type { FilledForm, SubmissionConflict } from './types';

const MASKED_LABELS: Record<string, string> = {
  idNumber: '公民身份号码',
  phone: '联系电话',
  address: '地址',
};

const SEVERE = new Set(['deceased', 'moved_out', 'missing_person']);

/**
 * What must stop a clerk from trusting the form blindly, at its top: a deceased or moved-out
 * person, an identity under review or that departments disagree on.
 */
export function FormFlags({ form }: { form: FilledForm }) {
  if (form.flags.length === 0) return null;
  const severe = form.flags.some((f) => SEVERE.has(f.code));
  return (
    <Alert
      type={severe ? 'error' : 'warning'}
      showIcon
      data-testid="form-flags"
      title={severe ? '请注意：该人员状态异常，请核实后再办理' : '请注意：身份信息待核实'}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 20 }}>
          {form.flags.map((flag, i) => (
            <li key={i}>{flag.message}</li>
          ))}
        </ul>
      }
    />
  );
}

/** What the clerk still has to fill or find, and which values the role shows masked. */
export function FormGaps({ form }: { form: FilledForm }) {
  const titles = new Map(form.sections.map((s) => [s.key, s.title]));
  return (
    <>
      {form.missing.length > 0 && (
        <Alert
          type="warning"
          showIcon
          data-testid="form-missing"
          title={`待补充 ${form.missing.length} 项`}
          description={form.missing
            .map((m) =>
              m.row === undefined
                ? m.label
                : `${titles.get(m.section) ?? m.section}第${m.row + 1}行 ${m.label}`,
            )
            .join('、')}
        />
      )}
      {form.maskedFields.length > 0 && (
        <Alert
          type="info"
          showIcon
          data-testid="form-masked"
          title={`按您的角色，${form.maskedFields
            .map((f) => MASKED_LABELS[f] ?? f)
            .join('、')}已脱敏显示`}
        />
      )}
    </>
  );
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '（空）';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return readable(String(value));
  const { standard, detail } = value as { standard?: unknown; detail?: unknown };
  if (typeof standard === 'string' && standard) return standard;
  return typeof detail === 'string' && detail ? detail : '（地址）';
}

/**
 * A submission refused because the subject changed since the prefill (409): what changed, and
 * the clerk's two ways on: load the form again, or submit anyway.
 */
export function ChangedNotice({
  conflict,
  busy,
  onReload,
  onConfirm,
}: {
  conflict: SubmissionConflict;
  busy: boolean;
  onReload: () => void;
  onConfirm: () => void;
}) {
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="form-changed"
      title="提交前该对象的数据已有变化（其他人员提交或部门数据更新）"
      description={
        <>
          {conflict.changed.length > 0 ? (
            <ul style={{ margin: '4px 0', paddingInlineStart: 20 }}>
              {conflict.changed.map((c) => (
                <li key={c.field}>
                  {c.label}：{text(c.before)} → {text(c.after)}
                  {c.source ? `（来源：${c.source.department}）` : ''}
                </li>
              ))}
            </ul>
          ) : (
            <div>表格中的其他数据有变化。</div>
          )}
          <Space wrap style={{ marginTop: 8 }}>
            <Button onClick={onReload} disabled={busy} data-testid="changed-reload">
              重新载入
            </Button>
            <Button danger onClick={onConfirm} loading={busy} data-testid="changed-confirm">
              仍然提交
            </Button>
          </Space>
        </>
      }
    />
  );
}
