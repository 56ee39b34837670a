"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { changeUserRole, revokeAllSessionsOf, setUserBanned } from "@/lib/admin/user-admin";
import { cleanText, MAX_REASON_LENGTH } from "@/lib/impersonation/limits";
import { formStepUpAnswer } from "@/lib/next/step-up";
import type { ErrorCode } from "@/lib/errors";
import { isUuid } from "@/lib/users/users";
import { requireActionSession } from "../../../../_lib/action-session";
import { formDataOf } from "../../../../_lib/form-data";
import { flashRedirectPath } from "../../../../_lib/flash-cookie";
import { parseConfirmedAction } from "./confirm-query";

/**
 * The confirmed action, with the reason the confirmation asked for and the step-up answer it showed; admin-only,
 * checked again here. A refused step-up returns to the confirmation, which asks again.
 */
export async function confirmUserAction(formData: FormData): Promise<void> {
  const form = formDataOf(formData);
  const userId = z.string().max(64).catch("").parse(form.get("userId"));
  const page = isUuid(userId) ? `/admin/users/${userId}` : "/admin/users";
  const { runtime, session, metadata } = await requireActionSession(page, "admin");
  const action = parseConfirmedAction(Object.fromEntries(["do", "role"].map((k) => [k, String(form.get(k) ?? "")])));
  if (!action) redirect(await flashRedirectPath(page, { error: "INVALID_INPUT" }));
  const query = new URLSearchParams({ do: action.kind, ...(action.kind === "role" ? { role: action.role } : {}) });
  const confirmPage = `${page}/confirm?${query}`;
  const reason = cleanText(form.get("reason"));
  if (!reason) redirect(await flashRedirectPath(confirmPage, { error: "REASON_REQUIRED" }));
  if ([...reason].length > MAX_REASON_LENGTH) redirect(await flashRedirectPath(confirmPage, { error: "REASON_TOO_LONG" }));
  const answer = await formStepUpAnswer(runtime, form);
  const back = (code: ErrorCode) => (code === "REAUTH_REQUIRED" || code === "RATE_LIMITED" ? confirmPage : page);

  switch (action.kind) {
    case "ban":
    case "unban": {
      const result = await setUserBanned(runtime, session, userId, action.kind === "ban", metadata, reason, answer);
      if (!result.ok) redirect(await flashRedirectPath(back(result.code), { error: result.code }));
      redirect(await flashRedirectPath(page, { notice: action.kind === "ban" ? "user-banned" : "user-unbanned" }));
    }
    case "revoke-all": {
      const result = await revokeAllSessionsOf(runtime, session, userId, metadata, reason, answer);
      if (!result.ok) redirect(await flashRedirectPath(back(result.code), { error: result.code }));
      redirect(await flashRedirectPath(page, { notice: "sessions-revoked" }));
    }
    case "role": {
      const result = await changeUserRole(runtime, session, userId, action.role, metadata, reason, answer);
      if (!result.ok) redirect(await flashRedirectPath(back(result.code), { error: result.code }));
      redirect(await flashRedirectPath(page, { notice: result.value.changed ? "role-saved" : "role-unchanged" }));
    }
  }
}
