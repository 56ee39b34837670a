import { canSendPasswordReset } from "@/lib/account/reset-policy";
import { ERRORS } from "@/lib/errors";
import type { SessionContext } from "@/lib/session/types";
import type { PublicUser } from "@/lib/users/users";
import { ui } from "../../../_components/styles";
import { SubmitButton } from "../../../_components/submit-button";
import { formatDuration } from "../../../_lib/format";
import { sendPasswordResetAction } from "./password-reset-actions";

/**
 * Account recovery from the console: a reset link mailed to the user's own address. Staff never see the link
 * or the password. Shown disabled, with the reason, when the rule (reset-policy.ts) says no.
 */
export function PasswordResetSection({ session, user, ttlS }: { session: SessionContext; user: PublicUser; ttlS: number }) {
  const decision = canSendPasswordReset({ ...session.user, impersonating: session.impersonation !== null }, user);
  return (
    <section aria-labelledby="password-reset-heading" className={ui.card}>
      <div className={ui.cardHeader}>
        <h2 id="password-reset-heading" className={ui.cardTitle}>
          Password
        </h2>
        <p className="mt-0.5 text-sm text-slate-600">Forgotten password? Send a link to {user.email}; you never see it or the new password.</p>
      </div>
      <form action={sendPasswordResetAction} className="px-5 py-5">
        <input type="hidden" name="userId" value={user.id} />
        <SubmitButton variant="secondary" disabled={!decision.allowed}>
          Send password reset link
        </SubmitButton>
        <p className={ui.hint}>
          {decision.allowed
            ? `The link works once, for ${formatDuration(ttlS)}. Choosing a new password ends all of their sessions.`
            : ERRORS[decision.code].message}
        </p>
      </form>
    </section>
  );
}
