import type { Metadata } from "next";
import Link from "next/link";
import { ForbiddenView } from "../../../_components/access-views";
import { ui } from "../../../_components/styles";
import { formatDuration } from "../../../_lib/format";
import { stepUpDue } from "@/lib/auth/step-up";
import { getRuntime } from "@/lib/runtime";
import { checkStaffPage } from "../../_lib/staff-page";
import { InviteForm } from "./invite-form";

export const metadata: Metadata = { title: "Invite a user" };

export default async function InvitePage() {
  const { session, denied } = await checkStaffPage("/admin/users/invite");
  if (denied || session.user.role !== "admin") return <ForbiddenView impersonatedName={session.impersonation ? session.user.name : null} />;
  const runtime = await getRuntime();
  const windowS = runtime.stepUp.windowS;
  return (
    <div className="mx-auto max-w-lg space-y-6">
      <div>
        <Link href="/admin/users" className={`${ui.link} text-sm`}>
          ← All users
        </Link>
        <h1 className={`${ui.pageTitle} mt-2`}>Invite a user</h1>
        <p className="mt-1 text-sm text-slate-600">
          The account is created without a password. They get an email with a link that lets them choose one; it works once and
          expires after {formatDuration(runtime.config.inviteTtlS)}. You never see or set their password.
        </p>
      </div>
      <section aria-label="Invitation" className={`${ui.card} px-6 py-6`}>
        <InviteForm stepUp={await stepUpDue(runtime.stepUp, session)} windowText={windowS > 0 ? formatDuration(windowS) : ""} />
      </section>
    </div>
  );
}
