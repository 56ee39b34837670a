import type { Metadata } from "next";
import { findUsableAccountToken, PASSWORD_LINK_PURPOSES } from "@/lib/account/account-tokens";
import { signsInAfterPasswordSet } from "@/lib/account/set-password";
import { minPasswordLength } from "@/lib/auth/password-policy";
import { getRuntime } from "@/lib/runtime";
import { firstParam } from "../../_lib/params";
import { InfoMessage } from "../../_components/messages";
import { ui } from "../../_components/styles";
import { SetPasswordForm } from "./set-password-form";

export const metadata: Metadata = { title: "Set your password", referrer: "no-referrer" };

const HEADINGS = { invite: "Welcome: choose your password", reset: "Choose a new password", setup: "Set your password" } as const;

export default async function SetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = firstParam(await searchParams, "token") ?? "";
  const runtime = await getRuntime();
  const holder = await findUsableAccountToken(runtime.database.db, token, PASSWORD_LINK_PURPOSES, new Date(runtime.clock()));
  return (
    <div className="mx-auto mt-6 max-w-sm sm:mt-12">
      <div className={`${ui.card} px-6 py-8 sm:px-8`}>
        <h1 className="text-xl font-semibold tracking-tight text-slate-900">{HEADINGS[holder?.purpose ?? "setup"]}</h1>
        {holder ? (
          <>
            <p className="mt-1 text-sm text-slate-600">
              For <span className="font-medium break-all">{holder.email}</span>. This link works once.
            </p>
            <div className="mt-6">
              <SetPasswordForm
                token={token}
                email={holder.email}
                minLength={minPasswordLength(holder.role)}
                submitLabel={signsInAfterPasswordSet(holder.purpose) ? "Set password and sign in" : "Set new password"}
              />
            </div>
          </>
        ) : (
          <div className="mt-5">
            <InfoMessage role="status" code="LINK_INVALID">
              This link is invalid, used or expired. For a password reset, <a href="/forgot-password" className={ui.link}>ask for a new link</a>.
              Otherwise ask whoever invited you or set up your account for a new one (an administrator can resend an invitation; an operator
              runs <code>npm run admin:create</code> or <code>npm run db:seed</code> again).
            </InfoMessage>
          </div>
        )}
      </div>
    </div>
  );
}
