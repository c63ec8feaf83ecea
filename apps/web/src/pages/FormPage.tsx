import { PrinterOutlined, ReloadOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Skeleton, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import { chineseDate } from '../format';
import { useDivisionName } from '../components/useDivisionName';
import { ChangedNotice, FormFlags, FormGaps } from '../components/forms/FormNotices';
import { FieldsSection } from '../components/forms/FieldsSection';
import { PrintForm } from '../components/forms/PrintForm';
import { SubjectStarter } from '../components/forms/SubjectStarter';
import { TableSection } from '../components/forms/TableSection';
import {
  fieldPath,
  invalidValues,
  prefillErrorText,
  subjectOf,
  submitErrorText,
} from '../components/forms/form-values';
import {
  SUBJECT_KEYS,
  SUBJECT_LABELS,
  type FilledForm,
  type FormSubjectQuery,
  type SubmissionConflict,
} from '../components/forms/types';
import { ClerkContext, useClerks } from '../components/forms/useClerks';
import { useFormEdits } from '../components/forms/useFormEdits';
import { useFormTemplates } from '../components/forms/useFormTemplates';
import '../components/forms/forms.css';

/** Who or what the form is about, in a few words: the resident's name, the address, the division. */
function useSubjectName(form: FilledForm | null): string {
  const division = useDivisionName(form?.subject.divisionCode);
  if (!form) return '';
  if (form.subject.kind === 'division') return division ?? '';
  const first = form.sections[0]?.fields ?? [];
  const key = form.subject.kind === 'place' ? 'address' : 'name';
  return first.find((f) => f.key === key)?.display ?? '';
}

/**
 * One form prefilled for its subject (/forms/:templateId?personId=…|idNumber=…|address=…|
 * placeId=…|divisionCode=…), always read under the form's own purpose: each value with its
 * source, missing fields highlighted, conflicts to choose, corrections and staff fields to
 * fill; submitted, the values come back on the next form as 镇街采集. Printable on A4.
 */
export function FormPage() {
  const { templateId = '' } = useParams();
  const [params] = useSearchParams();
  const subjectKey = SUBJECT_KEYS.map((k) => params.get(k) ?? '').join('|');
  const subject = useMemo<FormSubjectQuery>(() => {
    const values = subjectKey.split('|');
    return Object.fromEntries(
      SUBJECT_KEYS.map((k, i) => [k, values[i]]).filter(([, v]) => v),
    ) as FormSubjectQuery;
  }, [subjectKey]);
  const hasSubject = Object.keys(subject).length > 0;

  const { forms, purposes, error: listError } = useFormTemplates();
  const template = forms?.find((f) => f.id === templateId);
  const [form, setForm] = useState<FilledForm | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [edits, actions] = useFormEdits();
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [changed, setChanged] = useState<SubmissionConflict | null>(null);
  const [submitted, setSubmitted] = useState<string | null>(null);
  const notices = useRef<HTMLDivElement>(null);
  const clerks = useClerks(form);
  const subjectName = useSubjectName(form);

  const purpose = template?.purpose;
  const kind = template?.subject;
  const load = useCallback(async () => {
    if (!purpose || !kind || !hasSubject) return;
    setLoading(true);
    setLoadError(null);
    try {
      const { data, error, response } = await api.POST('/v1/forms/{templateId}/prefill', {
        // The form's own purpose, whatever the header's picker says.
        params: { path: { templateId }, header: { 'X-Purpose': purpose } },
        body: subject,
      });
      if (data) setForm(data);
      else {
        setForm(null);
        setLoadError(prefillErrorText(kind, response.status, error));
      }
    } catch {
      setLoadError('网络错误，请稍后重试');
    } finally {
      setLoading(false);
    }
  }, [purpose, kind, hasSubject, templateId, subject]);

  // A new form or subject starts afresh (the edits belong to the form they were made on).
  const { reset } = actions;
  useEffect(() => {
    setForm(null);
    setSubmitted(null);
    setChanged(null);
    reset();
    void load();
  }, [load, reset]);

  // A submission's outcome shows above the form: bring it into view (the button may be far below).
  const [noticeShown, setNoticeShown] = useState(0);
  const showNotices = () => setNoticeShown((n) => n + 1);
  useEffect(() => {
    if (noticeShown > 0) notices.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [noticeShown]);

  const submit = async (confirm: boolean) => {
    if (!form || !purpose) return;
    const values = actions.values();
    const unfilled = form.missing.filter(
      (m) => m.row === undefined && !values[fieldPath(m.section, m.field)],
    );
    const staffFillable = new Set(
      form.sections.flatMap((s) =>
        (s.fields ?? []).filter((f) => f.staff).map((f) => fieldPath(s.key, f.key)),
      ),
    );
    setSubmitted(null);
    const invalid = invalidValues(values);
    if (invalid.length > 0) {
      setSubmitError(invalid.join('；'));
      showNotices();
      return;
    }
    if (unfilled.some((m) => staffFillable.has(fieldPath(m.section, m.field)))) {
      setSubmitError(
        `请先填写：${unfilled
          .filter((m) => staffFillable.has(fieldPath(m.section, m.field)))
          .map((m) => m.label)
          .join('、')}`,
      );
      showNotices();
      return;
    }
    setSubmitting(true);
    setSubmitError(null);
    try {
      const { data, error, response } = await api.POST('/v1/forms/{templateId}/submissions', {
        params: { path: { templateId }, header: { 'X-Purpose': purpose } },
        body: {
          ...subjectOf(form),
          formDate: form.formDate,
          values,
          prefill: form,
          ...(confirm ? { confirm: true } : {}),
        },
      });
      if (data) {
        setChanged(null);
        actions.reset();
        await load();
        setSubmitted(data.submissionId);
      } else if (response.status === 409) setChanged(error as SubmissionConflict);
      else setSubmitError(submitErrorText(response.status, error));
    } catch {
      setSubmitError('网络错误，请稍后重试');
    } finally {
      setSubmitting(false);
      showNotices();
    }
  };

  if (listError) return <Alert type="error" showIcon title={listError} />;
  if (!forms) return <Skeleton active />;
  if (!template)
    return (
      <Alert
        type="error"
        showIcon
        title="未找到该表单，或您的角色不能使用"
        description={<Link to="/forms">返回表单列表</Link>}
      />
    );

  const fillable = form?.sections.some((s) => (s.fields ?? []).some((f) => f.staff)) ?? false;
  const actionsBar = form && (
    <Space wrap className="no-print">
      {fillable && (
        <Button
          type="primary"
          icon={<SendOutlined />}
          loading={submitting}
          onClick={() => void submit(false)}
          data-testid="form-submit"
        >
          提交
        </Button>
      )}
      <Button icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="form-print">
        打印
      </Button>
      <Button icon={<ReloadOutlined />} onClick={() => void load()} disabled={loading}>
        重新载入
      </Button>
      {form.subject.kind === 'division' && <Link to="/roster">下载 Excel 花名册</Link>}
    </Space>
  );

  return (
    <ClerkContext.Provider value={clerks}>
      <Space orientation="vertical" size="middle" style={{ width: '100%' }} className="no-print">
        <div>
          <Link to="/forms">← 全部表单</Link>
          <Typography.Title level={3} style={{ margin: '8px 0 4px' }} data-testid="form-title">
            {template.title}
          </Typography.Title>
          <Space size={[4, 4]} wrap>
            <Tag color="blue">对象：{SUBJECT_LABELS[template.subject]}</Tag>
            <Tag>用途：{purposes[template.purpose] ?? template.purpose}（本表用途）</Tag>
            {form && (
              <>
                {subjectName && <Tag data-testid="form-subject">{subjectName}</Tag>}
                <Tag>填表日期：{chineseDate(form.formDate)}</Tag>
              </>
            )}
          </Space>
        </div>
        {!hasSubject && (
          <Card title="请选择填表对象">
            <SubjectStarter form={template} />
          </Card>
        )}
        {loadError && (
          <Alert
            type="error"
            showIcon
            title={loadError}
            description={<Link to="/forms">换一个对象</Link>}
            data-testid="form-error"
          />
        )}
        {loading && !form && <Skeleton active />}
        {form && (
          <>
            <FormFlags form={form} />
            <FormGaps form={form} />
            {actionsBar}
            {(submitted || submitError || changed) && (
              <div ref={notices} style={{ scrollMarginTop: 16 }}>
                <Space orientation="vertical" style={{ width: '100%' }}>
                  {submitted && (
                    <Alert
                      type="success"
                      showIcon
                      closable={{ onClose: () => setSubmitted(null) }}
                      title={
                        <>
                          已提交，提交编号：
                          <Typography.Text copyable code data-testid="submission-id">
                            {submitted}
                          </Typography.Text>
                        </>
                      }
                      description="表单已按最新数据重新载入：您填写或更正的内容已作为“镇街采集”数据保存。"
                    />
                  )}
                  {submitError && (
                    <Alert type="error" showIcon title={submitError} data-testid="submit-error" />
                  )}
                  {changed && (
                    <ChangedNotice
                      conflict={changed}
                      busy={submitting}
                      onReload={() => {
                        setChanged(null);
                        void load();
                      }}
                      onConfirm={() => void submit(true)}
                    />
                  )}
                </Space>
              </div>
            )}
            {form.sections.map((section) => (
              <Card
                key={section.key}
                size="small"
                title={section.title}
                data-testid={`section-${section.key}`}
              >
                {section.rows ? (
                  <TableSection section={section} />
                ) : (
                  <FieldsSection section={section} edits={edits} actions={actions} />
                )}
              </Card>
            ))}
            {actionsBar}
          </>
        )}
      </Space>
      {form && <PrintForm form={form} edits={edits} />}
    </ClerkContext.Provider>
  );
}
