"use client";

import { useFormStatus } from "react-dom";
import { buttonClass, type ButtonVariant } from "./styles";

interface Props extends Omit<React.ButtonHTMLAttributes<HTMLButtonElement>, "type"> {
  variant?: ButtonVariant;
  small?: boolean;
}

/**
 * A submit button that shows its form is on its way (spinner, disabled) while the server action runs.
 * The label never changes, so its accessible name stays the same for people and for tests.
 */
export function SubmitButton({ variant = "primary", small, className = "", children, disabled, ...rest }: Props) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      {...rest}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
      className={`${buttonClass(variant, small ? "sm" : "md")} ${className}`}
    >
      {pending ? <Spinner /> : null}
      {children}
    </button>
  );
}

export function Spinner() {
  return (
    <svg aria-hidden="true" className="size-4 animate-spin" viewBox="0 0 24 24" fill="none">
      <circle cx="12" cy="12" r="10" stroke="currentColor" strokeOpacity="0.3" strokeWidth="4" />
      <path d="M22 12a10 10 0 0 0-10-10" stroke="currentColor" strokeWidth="4" strokeLinecap="round" />
    </svg>
  );
}
