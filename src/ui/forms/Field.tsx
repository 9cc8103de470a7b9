/**
 * Labelled form controls for the Add dialogs and the inspector. The label wraps its control, so a
 * click on the text focuses the control and the text is the control's accessible name.
 */
import { useId, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type Ref } from 'react';

interface FieldProps {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  /** Take both columns of a `form-grid`. */
  span?: boolean;
}

const fieldClass = (span?: boolean) => (span ? 'field span-2' : 'field');

/** Addresses, names and sysctls are all typed as code, hence the monospace input. */
export function TextField({
  label,
  value,
  onChange,
  span,
  ...input
}: FieldProps & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className' | 'value' | 'onChange'> & { ref?: Ref<HTMLInputElement> }) {
  const id = useId();
  return (
    <label className={fieldClass(span)} htmlFor={id}>
      {label}
      <input id={id} className="input mono" value={value} onChange={(e) => onChange(e.target.value)} {...input} />
    </label>
  );
}

export function SelectField({ label, value, onChange, span, children }: FieldProps & { children: ReactNode }) {
  const id = useId();
  return (
    <label className={fieldClass(span)} htmlFor={id}>
      {label}
      <select id={id} className="select" value={value} onChange={(e) => onChange(e.target.value)}>
        {children}
      </select>
    </label>
  );
}

/** One option per machine, bridge or interface, valued by its name. */
export function NameOptions({ items }: { items: { name: string; label?: string }[] }) {
  return items.map((m) => (
    <option key={m.name} value={m.name}>
      {m.label ?? m.name}
    </option>
  ));
}

/** The submit button of a one-line form, as tall as the field beside it. */
export function RowButton({ type = 'submit', ...button }: ButtonHTMLAttributes<HTMLButtonElement>) {
  return <button type={type} className="btn btn--sm" style={{ height: 32 }} {...button} />;
}
