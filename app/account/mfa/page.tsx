import type { Metadata } from "next";
import Link from "next/link";
import { pendingTotpSecret, totpEnrolmentView } from "@/lib/auth/mfa/totp";
import { requireUser } from "@/lib/next/session";
import { getRuntime } from "@/lib/runtime";
import { InfoMessage } from "../../_components/messages";
import { ui } from "../../_components/styles";
import { TotpEnrolmentPanel } from "./confirm-form";
import { PasskeysSection } from "../passkeys-section";
import { mfaRequirement } from "@/lib/auth/mfa/policy";
import { startTotpAction } from "../mfa-actions";
import { SubmitButton } from "../../_components/submit-button";
import { firstParam } from "../../_lib/params";
import { ERRORS } from "@/lib/errors";

export const metadata: Metadata = { title: "Set up two-step verification" };

/** Shows the pending secret (QR code and text) and takes the first code. Starting is a POST from /account. */
export default async function EnrolTotpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const required = firstParam(await searchParams, "required") === "1";
  const session = await requireUser("/account/mfa");
  const runtime = await getRuntime();
  const secret = session.impersonation ? null : await pendingTotpSecret(runtime.database.db, runtime.mfa.box, session.user.id);
  const view = secret ? totpEnrolmentView(secret, session.user.email, runtime.mfa.issuer) : null;
  const pending = view ? (
    <>
      <ol className="list-decimal space-y-2 pl-5 text-sm text-slate-700">
        <li>Scan the QR code with an authenticator app, or type the key below into it.</li>
        <li>Enter the six-digit code the app shows.</li>
      </ol>
      {/* Drawn as an SVG element from the QR modules: no raw markup, no data: image (the CSP allows neither). */}
      <svg
        role="img"
        aria-label="QR code for your authenticator app"
        viewBox={`-2 -2 ${view.qr.size + 4} ${view.qr.size + 4}`}
        className="mx-auto h-48 w-48 bg-white"
        shapeRendering="crispEdges"
      >
        <path d={view.qr.path} fill="#000" />
      </svg>
      <div>
        <p className={ui.label}>Key for manual entry</p>
        <p className="mt-1 break-all rounded bg-slate-100 px-2 py-1 font-mono text-sm" data-testid="totp-secret">
          {view.secret}
        </p>
      </div>
    </>
  ) : null;
  const idle = (
    <div className={`${ui.card} space-y-4 px-5 py-5 text-sm text-slate-700`}>
      <p>An authenticator app on your phone gives a new six-digit code every 30 seconds; you enter it after your password.</p>
      {session.impersonation ? (
        <p>Not available while impersonating.</p>
      ) : (
        <form action={startTotpAction}>
          <SubmitButton>Set up an authenticator app</SubmitButton>
        </form>
      )}
      <p>
        <Link href="/account" className={ui.link}>
          Back to your account
        </Link>
      </p>
    </div>
  );
  return (
    <div className="mx-auto max-w-lg space-y-6">
      <h1 className={ui.pageTitle}>Set up two-step verification</h1>
      {required ? (
        <InfoMessage role="note" code="MFA_ENROLMENT_REQUIRED">
          {ERRORS.MFA_ENROLMENT_REQUIRED.message}
        </InfoMessage>
      ) : null}
      <TotpEnrolmentPanel pending={pending} idle={idle} />
      {mfaRequirement(session.user.role, runtime.mfa.policy) === "off" ? null : <PasskeysSection runtime={runtime} session={session} />}
    </div>
  );
}
