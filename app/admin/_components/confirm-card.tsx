import Link from "next/link";
import { MAX_REASON_LENGTH } from "@/lib/impersonation/limits";
import { FlashMessages } from "../../_components/messages";
import { ui } from "../../_components/styles";
import { SubmitButton } from "../../_components/submit-button";
import type { Flash } from "../../_lib/flash";
import type { StepUpFactor } from "@/lib/auth/step-up";
import { StepUpFields } from "./step-up-fields";

/**
 * A destructive admin action's confirmation, rendered on the server (works without JavaScript): what will
 * happen, a required reason that goes to the audit log, the step-up when one is due, and the button that does it.
 */
export function ConfirmCard({
  title,
  consequences,
  action,
  fields,
  confirmLabel,
  cancelHref,
  flash,
  stepUp = null,
  stepUpWindowText = "",
}: {
  title: string;
  consequences: React.ReactNode;
  action: (formData: FormData) => Promise<void>;
  fields: Record<string, string>;
  confirmLabel: string;
  cancelHref: string;
  flash: Flash;
  /** The factor the step-up asks for now (lib/auth/step-up `stepUpDue`), or null when none is due. */
  stepUp?: StepUpFactor | null;
  stepUpWindowText?: string;
}) {
  return (
    <div className="mx-auto max-w-xl space-y-6">
      <h1 className={ui.pageTitle}>{title}</h1>
      <FlashMessages flash={flash} />
      <section aria-labelledby="confirm-heading" className={ui.card}>
        <div className={ui.cardHeader}>
          <h2 id="confirm-heading" className={ui.cardTitle}>
            What will happen
          </h2>
        </div>
        <div className="space-y-2 px-5 py-4 text-sm text-slate-800" data-testid="consequences">
          {consequences}
        </div>
        <form action={action} className="space-y-4 border-t border-slate-200 px-5 py-4">
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <div>
            <label htmlFor="confirm-reason" className={ui.label}>
              Reason
            </label>
            <textarea
              id="confirm-reason"
              name="reason"
              required
              maxLength={MAX_REASON_LENGTH}
              rows={3}
              aria-describedby="confirm-reason-hint"
              className={`${ui.input} mt-1.5`}
            />
            <p id="confirm-reason-hint" className={ui.hint}>
              Required. Recorded in the audit log with this action.
            </p>
          </div>
          <StepUpFields due={stepUp} idPrefix="confirm" passkeyLabel={`Confirm with your passkey: ${confirmLabel.toLowerCase()}`} windowText={stepUpWindowText} />
          <div className="flex flex-wrap items-center gap-3">
            {stepUp === "passkey" ? null : <SubmitButton variant="danger">{confirmLabel}</SubmitButton>}
            <Link href={cancelHref} className={ui.link}>
              Cancel
            </Link>
          </div>
        </form>
      </section>
    </div>
  );
}
