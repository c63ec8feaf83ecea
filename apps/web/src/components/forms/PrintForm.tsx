import { chineseDate } from '../../format';
import { conflictChoices, fieldPath, readable } from './form-values';
import type { FilledField, FilledForm, FilledSection } from './types';
import type { FormEdits } from './useFormEdits';

/** The value as it goes on paper: what the clerk typed or chose, else the form's value. */
function printed(path: string, field: FilledField, edits: FormEdits): string {
  const entered = edits.entered[path]?.trim();
  if (entered) return readable(entered);
  const chosen = edits.chosen[path];
  if (chosen !== undefined) return readable(conflictChoices(field)[chosen]?.display);
  return readable(field.display);
}

/** Label–value pairs, two to a row, as paper forms lay them out. */
function FieldsTable({ section, edits }: { section: FilledSection; edits: FormEdits }) {
  const fields = section.fields ?? [];
  const pairs: FilledField[][] = [];
  for (let i = 0; i < fields.length; i += 2) pairs.push(fields.slice(i, i + 2));
  return (
    <table>
      <colgroup>
        <col style={{ width: '16%' }} />
        <col style={{ width: '34%' }} />
        <col style={{ width: '16%' }} />
        <col style={{ width: '34%' }} />
      </colgroup>
      <tbody>
        <tr className="forms-print-section">
          <th colSpan={4}>{section.title}</th>
        </tr>
        {pairs.map((pair) => (
          <tr key={pair[0].key}>
            {pair.map((field) => {
              const long = pair.length === 1;
              return [
                <th key={`${field.key}-label`}>{field.label}</th>,
                <td key={`${field.key}-value`} colSpan={long ? 3 : 1}>
                  {printed(fieldPath(section.key, field.key), field, edits)}
                </td>,
              ];
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RowsTable({ section }: { section: FilledSection }) {
  const rows = section.rows ?? [];
  const labels = rows[0]?.cells.map((c) => c.label) ?? [];
  return (
    <table style={{ fontSize: '9pt' }}>
      <tbody>
        <tr className="forms-print-section">
          <th colSpan={labels.length + 1}>{section.title}</th>
        </tr>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={labels.length + 1}>无</td>
          </tr>
        ) : (
          <>
            <tr>
              <th style={{ width: '8%' }}>序号</th>
              {labels.map((label) => (
                <th key={label}>{label}</th>
              ))}
            </tr>
            {rows.map((row, index) => (
              <tr key={`${row.entityId}-${index}`}>
                <td>
                  {index + 1}
                  {row.flags.map((f) => ` ${f.message}`).join('')}
                </td>
                {row.cells.map((cell) => (
                  <td key={cell.key}>{readable(cell.display)}</td>
                ))}
              </tr>
            ))}
          </>
        )}
      </tbody>
    </table>
  );
}

/**
 * The form on A4 paper, the signed record many townships still keep: a plain bordered table of
 * the values (what the clerk entered included), the flags, and lines to sign. Hidden on screen;
 * styles.css prints `.print-form` and leaves out the page's navigation and `.no-print`.
 */
export function PrintForm({ form, edits }: { form: FilledForm; edits: FormEdits }) {
  const division = form.template.id === 'elderly-roster' || form.subject.kind === 'division';
  return (
    <div className="print-form forms-print-only" data-testid="print-form">
      <h1>{form.template.title}</h1>
      <p style={{ margin: '0 0 2mm' }}>填表日期：{chineseDate(form.formDate)}</p>
      {form.flags.length > 0 && (
        <p style={{ margin: '0 0 2mm', fontWeight: 'bold' }}>
          注意：{form.flags.map((f) => f.message).join('；')}
        </p>
      )}
      {form.sections.map((section) =>
        section.rows ? (
          <RowsTable key={section.key} section={section} />
        ) : (
          <FieldsTable key={section.key} section={section} edits={edits} />
        ),
      )}
      <div className="forms-signatures">
        <span>{division ? '制表人签字' : '申请人签字'}：____________</span>
        <span>{division ? '审核人签字' : '经办人签字'}：____________</span>
        <span>日期：______年____月____日</span>
      </div>
    </div>
  );
}
