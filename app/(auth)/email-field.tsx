import { ui } from "../_components/styles";

/** The account's email, as the sign-in and the forgot-password forms ask for it (the password manager's "username"). */
export function EmailField({ defaultValue, errorId }: { defaultValue?: string; errorId?: string }) {
  return (
    <div>
      <label htmlFor="email" className={ui.label}>
        Email
      </label>
      <input
        id="email"
        name="email"
        type="email"
        autoComplete="username"
        required
        maxLength={320}
        defaultValue={defaultValue}
        autoFocus
        aria-describedby={errorId}
        className={`${ui.input} mt-1.5`}
      />
    </div>
  );
}
