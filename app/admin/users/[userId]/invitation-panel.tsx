import { InfoMessage } from "../../../_components/messages";
import { buttonClass } from "../../../_components/styles";
import { SubmitButton } from "../../../_components/submit-button";
import { resendInvitationAction, revokeInvitationAction } from "../invite/actions";

/** Shown while the account waits for its owner's first password; admins may resend or revoke the link. */
export function InvitationPanel({ userId, state, canManage }: { userId: string; state: "pending" | "expired"; canManage: boolean }) {
  return (
    <InfoMessage role="status">
      <p>
        {state === "pending"
          ? "Invitation pending: this account has no password until its owner opens the link in their invitation."
          : "The invitation expired before its owner chose a password. Send a new one to let them in."}
      </p>
      {canManage ? (
        <div className="mt-3 flex flex-wrap gap-2">
          <form action={resendInvitationAction}>
            <input type="hidden" name="userId" value={userId} />
            <SubmitButton variant="secondary" small>
              {state === "pending" ? "Resend invitation" : "Send a new invitation"}
            </SubmitButton>
          </form>
          {state === "pending" ? (
            <form action={revokeInvitationAction}>
              <input type="hidden" name="userId" value={userId} />
              <button type="submit" className={buttonClass("secondary", "sm")}>
                Revoke invitation
              </button>
            </form>
          ) : null}
        </div>
      ) : null}
    </InfoMessage>
  );
}
