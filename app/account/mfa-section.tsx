import { mfaRequirement } from "@/lib/auth/mfa/policy";
import { remainingRecoveryCodes } from "@/lib/auth/mfa/recovery-codes";
import Link from "next/link";
import { countPasskeys } from "@/lib/auth/mfa/passkeys";
import { secondFactorMethods } from "@/lib/auth/mfa/service";
import type { Runtime } from "@/lib/runtime";
import type { SessionContext } from "@/lib/session/types";
import { Pill } from "../_components/badges";
import { InfoMessage } from "../_components/messages";
import { ui } from "../_components/styles";
import { SubmitButton } from "../_components/submit-button";
import { disableTotpAction, startTotpAction } from "./mfa-actions";

/** The account's second factor: its state, setting it up, and turning it off with a fresh code. */
export async function MfaSection({ runtime, session, locked }: { runtime: Runtime; session: SessionContext; locked: boolean }) {
  const requirement = mfaRequirement(session.user.role, runtime.mfa.policy);
  if (requirement === "off") return null;
  const methods = await secondFactorMethods(runtime.database.db, session.user.id);
  const enrolled = methods.length > 0;
  const totp = methods.includes("totp");
  const passkeys = enrolled ? await countPasskeys(runtime.database.db, session.user.id) : 0;
  const left = enrolled ? await remainingRecoveryCodes(runtime.database.db, session.user.id) : 0;
  const managePasskeys = (
    <p className="text-slate-700">
      {passkeys === 0 ? "No passkeys." : passkeys === 1 ? "1 passkey." : `${passkeys} passkeys.`}{" "}
      <Link href="/account/mfa" className={ui.link}>
        {passkeys === 0 ? "Add a passkey" : "Manage passkeys"}
      </Link>
    </p>
  );
  return (
    <section aria-labelledby="mfa-heading" className={ui.card}>
      <div className={ui.cardHeader}>
        <h2 id="mfa-heading" className={`${ui.cardTitle} flex items-center gap-2`}>
          Two-step verification {enrolled ? <Pill tone="indigo">On</Pill> : <Pill>Off</Pill>}
        </h2>
        <p className="mt-0.5 text-sm text-slate-600">A passkey or a code from an authenticator app after your password.</p>
      </div>
      <div className="space-y-4 px-5 py-5 text-sm">
        {locked ? (
          <p className="text-slate-600">Hidden while impersonating.</p>
        ) : enrolled ? (
          <>
            <p className="text-slate-700">
              {totp ? "Authenticator app set up." : "No authenticator app."} {left} of 10 recovery codes left.
            </p>
            {managePasskeys}
            {totp ? (
              <form action={disableTotpAction} className="space-y-3">
                <input type="hidden" name="method" value="totp" />
                <div>
                  <label htmlFor="disable-code" className={ui.label}>
                    Current code, to turn it off
                  </label>
                  <input id="disable-code" name="code" required inputMode="numeric" autoComplete="one-time-code" maxLength={64} className={`${ui.input} mt-1.5 font-mono`} />
                </div>
                <SubmitButton variant="dangerSoft">{passkeys > 0 ? "Remove the authenticator app" : "Turn off two-step verification"}</SubmitButton>
              </form>
            ) : (
              <form action={startTotpAction}>
                <SubmitButton variant="secondary">Set up an authenticator app</SubmitButton>
              </form>
            )}
          </>
        ) : (
          <>
            {requirement === "required" ? (
              <InfoMessage role="note" code="MFA_ENROLMENT_REQUIRED">
                Staff accounts need two-step verification: the console stays closed until it is set up.
              </InfoMessage>
            ) : null}
            <form action={startTotpAction}>
              <SubmitButton>Set up an authenticator app</SubmitButton>
            </form>
            {managePasskeys}
          </>
        )}
      </div>
    </section>
  );
}
