import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getSession } from "@/lib/next/session";
import { firstParam } from "../../_lib/params";
import { safeNextPath } from "../../_lib/safe-redirect";
import { InfoMessage, NoticeMessage } from "../../_components/messages";
import { ui } from "../../_components/styles";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  if (await getSession()) redirect("/");
  const requested = firstParam(params, "next");
  // Only a same-site path survives; anything else is dropped before it reaches the form.
  const next = requested && safeNextPath(requested, "") ? safeNextPath(requested) : undefined;
  const expired = firstParam(params, "expired") === "1";
  const mfaExpired = firstParam(params, "mfa") === "expired";
  const passwordReset = firstParam(params, "reset") === "1";
  return (
    <div className="mx-auto mt-6 max-w-sm sm:mt-12">
      <div className={`${ui.card} px-6 py-8 sm:px-8`}>
        <h1 className="text-xl font-semibold tracking-tight text-slate-900">Sign in</h1>
        <p className="mt-1 text-sm text-slate-600">Use your work email and password.</p>
        {expired ? (
          <div className="mt-5">
            <InfoMessage role="status">Your session has expired, sign in again.</InfoMessage>
          </div>
        ) : null}
        {passwordReset ? (
          <div className="mt-5">
            <NoticeMessage>Password changed. Sign in with your new password.</NoticeMessage>
          </div>
        ) : null}
        {mfaExpired ? (
          <div className="mt-5">
            <InfoMessage role="status" code="MFA_CHALLENGE_EXPIRED">
              The sign-in took too long or had too many wrong codes. Enter your password again.
            </InfoMessage>
          </div>
        ) : null}
        <div className="mt-6">
          <LoginForm next={next} />
        </div>
        <p className="mt-5 text-sm">
          <Link href="/forgot-password" className={ui.link}>
            Forgot password?
          </Link>
        </p>
      </div>
    </div>
  );
}
