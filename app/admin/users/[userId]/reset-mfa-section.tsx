import { secondFactorMethods } from "@/lib/auth/mfa/service";
import { stepUpDue } from "@/lib/auth/step-up";
import type { Runtime } from "@/lib/runtime";
import type { SessionContext } from "@/lib/session/types";
import type { PublicUser } from "@/lib/users/users";
import { ui } from "../../../_components/styles";
import { formatDuration } from "../../../_lib/format";
import { ResetMfaForm } from "./reset-mfa-form";

/**
 * For an admin, on someone else's page: the user's second factors and the reset for a locked-out person.
 * A section of its own, so the page's other controls can change around it.
 */
export async function ResetMfaSection({ runtime, session, user }: { runtime: Runtime; session: SessionContext; user: PublicUser }) {
  if (session.user.role !== "admin" || session.user.id === user.id) return null;
  const methods = await secondFactorMethods(runtime.database.db, user.id);
  const due = await stepUpDue(runtime.stepUp, session);
  const windowS = runtime.stepUp.windowS;
  const names = { passkey: "passkeys", totp: "an authenticator app", recovery: "recovery codes" } as const;
  return (
    <section aria-labelledby="reset-mfa-heading" className={ui.card}>
      <div className={ui.cardHeader}>
        <h2 id="reset-mfa-heading" className={ui.cardTitle}>
          Second factors
        </h2>
        <p className="mt-0.5 text-sm text-slate-600">
          {methods.length === 0 ? `${user.name} has no second factor.` : `${user.name} has ${methods.map((m) => names[m]).join(", ")}.`}
        </p>
      </div>
      {methods.length === 0 ? null : (
        <div className="px-5 py-5">
          <p className="mb-4 text-sm text-slate-700">
            Locked out (lost phone or security key)? A reset removes every factor and ends all their sessions; they set up a new one at their next sign-in.
          </p>
          <ResetMfaForm userId={user.id} userName={user.name} stepUp={due} windowText={windowS > 0 ? formatDuration(windowS) : ""} />
        </div>
      )}
    </section>
  );
}
