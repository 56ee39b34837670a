import { GrantWindowSelect } from "../_components/grant-window-select";
import { ui } from "../_components/styles";
import { SubmitButton } from "../_components/submit-button";
import { answerRequestAction } from "./grant-actions";

/**
 * Approve (for a chosen window) or decline a staff request for access: two plain forms, so they work
 * without JavaScript, wherever the request shows (/account and the notice region on every page).
 */
export function RequestAnswerForms({ requestId, windowId, windowLabel = "For" }: { requestId: string; windowId: string; windowLabel?: string }) {
  return (
    <div className="flex flex-wrap items-end gap-3">
      <form action={answerRequestAction} className="flex flex-wrap items-end gap-2">
        <input type="hidden" name="requestId" value={requestId} />
        <input type="hidden" name="answer" value="approve" />
        <div>
          <label htmlFor={windowId} className={ui.label}>
            {windowLabel}
          </label>
          <GrantWindowSelect id={windowId} />
        </div>
        <SubmitButton small>Approve</SubmitButton>
      </form>
      <form action={answerRequestAction}>
        <input type="hidden" name="requestId" value={requestId} />
        <input type="hidden" name="answer" value="decline" />
        <SubmitButton variant="secondary" small>
          Decline
        </SubmitButton>
      </form>
    </div>
  );
}
