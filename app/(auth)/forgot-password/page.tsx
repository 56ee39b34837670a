import type { Metadata } from "next";
import Link from "next/link";
import { RESET_REQUESTED_MESSAGE } from "@/lib/account/password-reset";
import { getRuntime } from "@/lib/runtime";
import { NoticeMessage } from "../../_components/messages";
import { ui } from "../../_components/styles";
import { firstParam } from "../../_lib/params";
import { formatDuration } from "../../_lib/format";
import { ForgotPasswordForm } from "./forgot-password-form";

export const metadata: Metadata = { title: "Forgot password" };

/** The form, or (after a request) the confirmation: one text whatever the address, so it tells nothing. */
export default async function ForgotPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sent = firstParam(await searchParams, "sent") === "1";
  const runtime = await getRuntime();
  return (
    <div className="mx-auto mt-6 max-w-sm sm:mt-12">
      <div className={`${ui.card} px-6 py-8 sm:px-8`}>
        <h1 className="text-xl font-semibold tracking-tight text-slate-900">{sent ? "Check your email" : "Forgot your password?"}</h1>
        {sent ? (
          <div className="mt-5 space-y-4 text-sm text-slate-700">
            <NoticeMessage>{RESET_REQUESTED_MESSAGE}</NoticeMessage>
            <p>The link expires after {formatDuration(runtime.config.reset.ttlS)}. Nothing arrived? Ask again, or contact support.</p>
          </div>
        ) : (
          <>
            <p className="mt-1 text-sm text-slate-600">Enter the email you sign in with. We mail you a link to choose a new password.</p>
            <div className="mt-6">
              <ForgotPasswordForm />
            </div>
          </>
        )}
        <p className="mt-6 text-sm">
          <Link href="/login" className={ui.link}>
            Back to sign in
          </Link>
        </p>
      </div>
    </div>
  );
}
