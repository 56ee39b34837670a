import type { Metadata } from "next";
import Link from "next/link";
import { getRuntime } from "@/lib/runtime";
import { isWellFormedSessionId } from "@/lib/session/token";
import { ForbiddenView } from "../../../_components/access-views";
import { InfoMessage } from "../../../_components/messages";
import { ui } from "../../../_components/styles";
import { readPageFlash } from "../../../_lib/flash-cookie";
import { formatUtc } from "../../../_lib/format";
import { firstParam } from "../../../_lib/params";
import { ConfirmCard } from "../../_components/confirm-card";
import { checkStaffPage } from "../../_lib/staff-page";
import { endImpersonationAction } from "../actions";

export const metadata: Metadata = { title: "End impersonation" };

const PAGE = "/admin/impersonations";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** "End now" asks first: whose impersonation ends, what happens to them, and why (for the audit). */
export default async function EndImpersonationPage({ searchParams }: Props) {
  const { session, denied } = await checkStaffPage(PAGE);
  if (denied || session.user.role !== "admin") return <ForbiddenView impersonatedName={session.impersonation ? session.user.name : null} />;
  const sessionId = firstParam(await searchParams, "session") ?? "";
  const runtime = await getRuntime();
  const live = isWellFormedSessionId(sessionId) ? (await runtime.sessions.listLiveImpersonations()).find((i) => i.id === sessionId) : undefined;
  if (!live) {
    return (
      <div className="mx-auto max-w-xl space-y-4">
        <h1 className={ui.pageTitle}>Impersonation already ended</h1>
        <InfoMessage role="status" code="IMPERSONATION_ALREADY_ENDED">
          This impersonation is no longer live: it was stopped, ran out or was ended by someone else. Nothing to do.
        </InfoMessage>
        <Link href={PAGE} className={ui.link}>
          Back to live impersonations
        </Link>
      </div>
    );
  }
  return (
    <ConfirmCard
      title={`End ${live.actorName}'s impersonation?`}
      consequences={
        <>
          <p>
            Ends {live.actorName}&apos;s impersonation of {live.targetName}, started {formatUtc(live.startedAt)}
            {live.reason ? ` for “${live.reason}”` : ""}.
          </p>
          <p>{live.actorName} returns to their own account on their next page, told that you ended it.</p>
        </>
      }
      action={endImpersonationAction}
      fields={{ sessionId: live.id }}
      confirmLabel="End impersonation"
      cancelHref={PAGE}
      flash={await readPageFlash(`${PAGE}/end`)}
    />
  );
}
