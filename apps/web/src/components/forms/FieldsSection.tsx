import { Descriptions } from 'antd';
import { FieldValue, inputId } from './FieldValue';
import { fieldPath } from './form-values';
import type { FilledSection } from './types';
import type { FormEditActions, FormEdits } from './useFormEdits';

/** A section of single fields: label and value side by side, one column on a phone. */
export function FieldsSection({
  section,
  edits,
  actions,
}: {
  section: FilledSection;
  edits: FormEdits;
  actions: FormEditActions;
}) {
  return (
    <Descriptions
      bordered
      size="small"
      column={{ xs: 1, sm: 1, md: 2 }}
      styles={{ label: { whiteSpace: 'nowrap' } }}
      items={(section.fields ?? []).map((field) => {
        const path = fieldPath(section.key, field.key);
        return {
          key: path,
          label: (
            <label htmlFor={inputId(path)}>
              {field.label}
              {field.required && (
                <span style={{ color: '#ff4d4f' }} aria-hidden>
                  {' '}
                  *
                </span>
              )}
            </label>
          ),
          children: (
            <div data-testid={`field-${path}`} data-status={field.status}>
              <FieldValue path={path} field={field} edits={edits} actions={actions} />
            </div>
          ),
        };
      })}
    />
  );
}
