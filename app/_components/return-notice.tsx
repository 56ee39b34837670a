import type { ReturnNotice } from "@/lib/session/types";
import { dismissReturnNoticeAction } from "../actions";
import { formatUtcTime } from "../_lib/format";
import { InfoMessage } from "./messages";
import { SubmitButton } from "./submit-button";

/** Why it ended, after "Your impersonation of <user> ended at HH:MM". */
const WHY: Record<string, (n: ReturnNotice) => string> = {
  expire: () => "its time ran out",
  force_end: (n) => `${n.byName ?? "an administrator"} ended it`,
  target_banned: (n) => `${n.targetName} was banned${n.byName ? ` by ${n.byName}` : ""}`,
  actor_revoked: () => "your permission to impersonate changed",
  grant_revoked: (n) => `${n.targetName} withdrew their permission`,
};

/**
 * On the admin's own session after an impersonation ended without their Stop: what happened and when, so the
 * console never silently turns back into their own account. Stays until dismissed or the next Sign In As.
 */
export function ReturnNoticeMessage({ notice }: { notice: ReturnNotice }) {
  const why = WHY[notice.cause]?.(notice);
  return (
    <div className="mb-6">
      <InfoMessage role="status" code={`impersonation-${notice.cause}`}>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p className="[overflow-wrap:anywhere]">
            Your impersonation of <strong>{notice.targetName}</strong> ended at{" "}
            <time dateTime={new Date(notice.endedAt).toISOString()}>{formatUtcTime(notice.endedAt)}</time>
            {why ? `: ${why}` : ""}. You are back in your own account.
          </p>
          <form action={dismissReturnNoticeAction}>
            <SubmitButton variant="secondary" small>
              Dismiss
            </SubmitButton>
          </form>
        </div>
      </InfoMessage>
    </div>
  );
}
