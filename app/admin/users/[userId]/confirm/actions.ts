"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { changeUserRole, revokeAllSessionsOf, setUserBanned } from "@/lib/admin/user-admin";
import { cleanText, MAX_REASON_LENGTH } from "@/lib/impersonation/limits";
import { isUuid } from "@/lib/users/users";
import { requireActionSession } from "../../../../_lib/action-session";
import { formDataOf } from "../../../../_lib/form-data";
import { flashRedirectPath } from "../../../../_lib/flash-cookie";
import { parseConfirmedAction } from "./confirm-query";

/** The confirmed action, with the reason the confirmation asked for; admin-only, checked again here. */
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

  switch (action.kind) {
    case "ban":
    case "unban": {
      const result = await setUserBanned(runtime, session, userId, action.kind === "ban", metadata, reason);
      redirect(await flashRedirectPath(page, result.ok ? { notice: action.kind === "ban" ? "user-banned" : "user-unbanned" } : { error: result.code }));
    }
    case "revoke-all": {
      const result = await revokeAllSessionsOf(runtime, session, userId, metadata, reason);
      redirect(await flashRedirectPath(page, result.ok ? { notice: "sessions-revoked" } : { error: result.code }));
    }
    case "role": {
      const result = await changeUserRole(runtime, session, userId, action.role, metadata, reason);
      redirect(await flashRedirectPath(page, result.ok ? { notice: result.value.changed ? "role-saved" : "role-unchanged" } : { error: result.code }));
    }
  }
}
