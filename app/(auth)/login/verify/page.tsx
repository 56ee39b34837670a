import type { Metadata } from "next";
import Link from "next/link";
import { firstParam } from "../../../_lib/params";
import { safeNextPath } from "../../../_lib/safe-redirect";
import { ui } from "../../../_components/styles";
import { PasskeySignIn } from "./passkey-sign-in";
import { VerifyForm } from "./verify-form";

export const metadata: Metadata = { title: "Second factor" };

/** The second step of a sign-in; the pending state itself is server-side, behind its own cookie. */
export default async function VerifyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const requested = firstParam(params, "next");
  const next = requested && safeNextPath(requested, "") ? safeNextPath(requested) : undefined;
  const methods = (firstParam(params, "methods") ?? "totp").split(",");
  const recovery = firstParam(params, "use") === "recovery" && methods.includes("recovery");
  const passkey = methods.includes("passkey") && !recovery;
  const totp = methods.includes("totp");
  const other = new URLSearchParams({ methods: methods.join(","), ...(next ? { next } : {}), ...(recovery ? {} : { use: "recovery" }) });
  return (
    <div className="mx-auto mt-6 max-w-sm sm:mt-12">
      <div className={`${ui.card} px-6 py-8 sm:px-8`}>
        <h1 className="text-xl font-semibold tracking-tight text-slate-900">Two-step verification</h1>
        <p className="mt-1 text-sm text-slate-600">
          {recovery
            ? "Enter one of your recovery codes. Each works once."
            : passkey
              ? totp
                ? "Use your passkey, or enter the six-digit code your authenticator app shows."
                : "Use your passkey: your browser will ask for it."
              : "Enter the six-digit code your authenticator app shows for this account."}
        </p>
        {passkey ? (
          <div className="mt-6">
            <PasskeySignIn next={safeNextPath(next)} />
          </div>
        ) : null}
        {recovery || totp ? (
          <div className="mt-6">
            <VerifyForm method={recovery ? "recovery" : "totp"} next={next} />
          </div>
        ) : null}
        {methods.includes("recovery") ? (
          <p className="mt-4 text-sm">
            <Link className={ui.link} href={`/login/verify?${other}`}>
              {recovery ? (methods.includes("passkey") ? "Use your passkey instead" : "Use the authenticator app instead") : "Use a recovery code instead"}
            </Link>
          </p>
        ) : null}
        <p className="mt-2 text-sm">
          <Link className={ui.link} href="/login">
            Start again
          </Link>
        </p>
      </div>
    </div>
  );
}
