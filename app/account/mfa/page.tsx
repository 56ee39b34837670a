import type { Metadata } from "next";
import Link from "next/link";
import { pendingTotpSecret, totpEnrolmentView } from "@/lib/auth/mfa/totp";
import { requireUser } from "@/lib/next/session";
import { getRuntime } from "@/lib/runtime";
import { InfoMessage } from "../../_components/messages";
import { ui } from "../../_components/styles";
import { ConfirmTotpForm } from "./confirm-form";

export const metadata: Metadata = { title: "Set up two-step verification" };

/** Shows the pending secret (QR code and text) and takes the first code. Starting is a POST from /account. */
export default async function EnrolTotpPage() {
  const session = await requireUser("/account/mfa");
  const runtime = await getRuntime();
  const secret = session.impersonation ? null : await pendingTotpSecret(runtime.db, runtime.mfa.box, session.user.id);
  const view = secret ? await totpEnrolmentView(secret, session.user.email, runtime.mfa.issuer) : null;
  return (
    <div className="mx-auto max-w-lg space-y-6">
      <h1 className={ui.pageTitle}>Set up two-step verification</h1>
      {view ? (
        <div className={`${ui.card} space-y-5 px-5 py-5`}>
          <ol className="list-decimal space-y-2 pl-5 text-sm text-slate-700">
            <li>Scan the QR code with an authenticator app, or type the key below into it.</li>
            <li>Enter the six-digit code the app shows.</li>
          </ol>
          {/* As an image, not inline markup: nothing here renders raw HTML (the CSP allows data: images). */}
          {/* eslint-disable-next-line @next/next/no-img-element -- a data: URI; next/image adds nothing here */}
          <img
            className="mx-auto h-48 w-48"
            alt="QR code for your authenticator app"
            src={`data:image/svg+xml;base64,${Buffer.from(view.qrSvg).toString("base64")}`}
          />
          <div>
            <p className={ui.label}>Key for manual entry</p>
            <p className="mt-1 break-all rounded bg-slate-100 px-2 py-1 font-mono text-sm" data-testid="totp-secret">
              {view.secret}
            </p>
          </div>
          <ConfirmTotpForm />
        </div>
      ) : (
        <InfoMessage role="status">
          Nothing to set up here. Start from <Link href="/account" className={ui.link}>your account page</Link>.
        </InfoMessage>
      )}
    </div>
  );
}
