import { ui } from "./styles";

/** The one "choose a password" field: the policy's minimum for the role, `new-password` for password managers. */
export function NewPasswordField({ id, label, minLength, hint, autoFocus, errorId }: { id: string; label: string; minLength: number; hint: string; autoFocus?: boolean; errorId?: string }) {
  return (
    <div>
      <label htmlFor={id} className={ui.label}>
        {label}
      </label>
      <input
        id={id}
        name={id}
        type="password"
        autoComplete="new-password"
        required
        minLength={minLength}
        maxLength={1024}
        autoFocus={autoFocus}
        aria-describedby={[errorId, `${id}-hint`].filter(Boolean).join(" ")}
        className={`${ui.input} mt-1.5`}
      />
      <p id={`${id}-hint`} className={ui.hint}>
        {hint}
      </p>
    </div>
  );
}
