import type { Metadata } from "next";
import Link from "next/link";
import { sessionImpactOf, type SessionImpact } from "@/lib/admin/user-admin";
import { stepUpDue } from "@/lib/auth/step-up";
import { stepUpRequired } from "@/lib/auth/step-up-rule";
import { getRuntime } from "@/lib/runtime";
import { findUserById, isUuid, type PublicUser } from "@/lib/users/users";
import { ForbiddenView } from "../../../../_components/access-views";
import { InfoMessage } from "../../../../_components/messages";
import { ui } from "../../../../_components/styles";
import { readPageFlash } from "../../../../_lib/flash-cookie";
import { redirectToNotFound } from "../../../../_lib/not-found";
import { ConfirmCard } from "../../../_components/confirm-card";
import { checkStaffPage } from "../../../_lib/staff-page";
import { formatDuration } from "../../../../_lib/format";
import { confirmUserAction } from "./actions";
import { parseConfirmedAction, staffActionOf, type ConfirmedAction } from "./confirm-query";

export const metadata: Metadata = { title: "Confirm" };

const ROLE_NAMES = { user: "User", support: "Support", admin: "Admin" } as const;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "Ends 3 sessions and 1 live impersonation." */
function endsText(impact: SessionImpact): string {
  if (impact.sessions === 0 && impact.impersonations === 0) return "No session is open, so nothing else ends.";
  return `Ends ${plural(impact.sessions, "session")} and ${plural(impact.impersonations, "live impersonation")}.`;
}

function describe(action: ConfirmedAction, user: PublicUser, impact: SessionImpact) {
  switch (action.kind) {
    case "ban":
      return { title: `Ban ${user.name}?`, confirm: "Ban user", lines: [`${user.name} can no longer sign in.`, endsText(impact), "Staff impersonating them return to their own accounts."] };
    case "unban":
      return { title: `Unban ${user.name}?`, confirm: "Unban user", lines: [`${user.name} can sign in again.`] };
    case "revoke-all":
      return { title: `Revoke all sessions of ${user.name}?`, confirm: "Revoke all sessions", lines: [endsText(impact), `${user.name} has to sign in again everywhere.`] };
    case "role":
      return {
        title: `Change ${user.name}'s role?`,
        confirm: "Change role",
        lines: [`From ${ROLE_NAMES[user.role]} to ${ROLE_NAMES[action.role]}. Their open sessions pick up the new role on their next request; an impersonation the new role no longer allows ends.`],
      };
  }
}

type Props = { params: Promise<{ userId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ConfirmUserActionPage({ params, searchParams }: Props) {
  const { userId } = await params;
  const { session, denied } = await checkStaffPage(isUuid(userId) ? `/admin/users/${userId}` : "/admin/users");
  if (denied || session.user.role !== "admin") return <ForbiddenView impersonatedName={session.impersonation ? session.user.name : null} />;
  if (!isUuid(userId)) redirectToNotFound();
  const runtime = await getRuntime();
  const user = await findUserById(runtime.database.db, userId);
  if (!user) redirectToNotFound();
  const back = `/admin/users/${user.id}`;
  const action = parseConfirmedAction(await searchParams);
  if (!action || user.id === session.user.id) {
    return (
      <div className="mx-auto max-w-xl space-y-4">
        <h1 className={ui.pageTitle}>Nothing to confirm</h1>
        <InfoMessage role="note">{user.id === session.user.id ? "You cannot change your own role or ban yourself." : "That action is not one this page knows."}</InfoMessage>
        <Link href={back} className={ui.link}>
          Back to {user.name}
        </Link>
      </div>
    );
  }
  if (action.kind === "role" && action.role === user.role) {
    return (
      <div className="mx-auto max-w-xl space-y-4">
        <h1 className={ui.pageTitle}>Nothing to change</h1>
        <InfoMessage role="status">
          {user.name} is already {ROLE_NAMES[user.role]}. Nothing was changed or recorded.
        </InfoMessage>
        <Link href={back} className={ui.link}>
          Back to {user.name}
        </Link>
      </div>
    );
  }
  const text = describe(action, user, await sessionImpactOf(runtime, user.id));
  const path = `${back}/confirm`;
  const stepUp = stepUpRequired(staffActionOf(action)) ? await stepUpDue(runtime.stepUp, session) : null;
  const windowS = runtime.config.impersonation.reauthWindowS;
  return (
    <ConfirmCard
      title={text.title}
      consequences={text.lines.map((line) => (
        <p key={line}>{line}</p>
      ))}
      action={confirmUserAction}
      fields={{ userId: user.id, do: action.kind, ...(action.kind === "role" ? { role: action.role } : {}) }}
      confirmLabel={text.confirm}
      cancelHref={back}
      flash={await readPageFlash(path)}
      stepUp={stepUp}
      stepUpWindowText={windowS > 0 ? formatDuration(windowS) : ""}
    />
  );
}
