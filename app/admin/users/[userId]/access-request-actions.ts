"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { requestAccess } from "@/lib/impersonation/grants";
import { currentRequestOrigin } from "@/lib/next/request-meta";
import { isUuid } from "@/lib/users/users";
import { requireActionSession } from "../../../_lib/action-session";
import { formDataOf } from "../../../_lib/form-data";
import { flashRedirectPath } from "../../../_lib/flash-cookie";

/** A staff member asks the user for support access; the user approves or declines it from the notice or on /account. */
export async function requestAccessAction(formData: FormData): Promise<void> {
  const form = formDataOf(formData);
  const userId = z.string().max(64).catch("").parse(form.get("userId"));
  const page = isUuid(userId) ? `/admin/users/${userId}` : "/admin/users";
  const { runtime, session, metadata } = await requireActionSession(page, "staff");
  const text = z.string().max(10_000).catch("");
  const result = await requestAccess(
    runtime.grants,
    session,
    { userId, scope: text.parse(form.get("scope")), reason: text.parse(form.get("reason")), origin: await currentRequestOrigin() },
    metadata,
  );
  redirect(await flashRedirectPath(page, result.ok ? { notice: "access-requested" } : { error: result.code }));
}
