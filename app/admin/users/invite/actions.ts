"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { inviteUser, resendInvitation, revokeInvitation } from "@/lib/account/invitations";
import { USER_ROLES } from "@/lib/db/schema";
import { currentRequestOrigin } from "@/lib/next/request-meta";
import { formStepUpAnswer } from "@/lib/next/step-up";
import { isUuid } from "@/lib/users/users";
import { requireActionSession } from "../../../_lib/action-session";
import { formDataOf } from "../../../_lib/form-data";
import { flashRedirectPath } from "../../../_lib/flash-cookie";

export interface InviteState {
  error?: { code: string; message: string; field?: string };
  values?: { email: string; name: string; role: string };
}

const Form = z.object({
  email: z.string().max(320).catch(""),
  name: z.string().max(200).catch(""),
  role: z.enum(USER_ROLES).catch("user"),
});

/** Thin: admin check, parse, call lib/account/invitations, then the new user's page (or the form with its error). */
export async function inviteUserAction(_previous: InviteState, formData: FormData): Promise<InviteState> {
  const { runtime, session, metadata } = await requireActionSession("/admin/users/invite", "admin");
  const form = formDataOf(formData);
  const input = Form.parse(Object.fromEntries(form));
  const stepUp = await formStepUpAnswer(runtime, form);
  const result = await inviteUser(runtime.invitations, { actor: session, metadata, origin: await currentRequestOrigin() }, { ...input, stepUp });
  if (!result.ok) {
    const field = typeof result.details?.field === "string" ? result.details.field : undefined;
    return { error: { code: result.code, message: result.message, ...(field ? { field } : {}) }, values: input };
  }
  redirect(await flashRedirectPath(`/admin/users/${result.value.user.id}`, { notice: "user-invited" }));
}

async function invitationAction(formData: FormData, act: "resend" | "revoke"): Promise<void> {
  const userId = z.string().max(64).catch("").parse(formDataOf(formData).get("userId"));
  // A malformed id never reaches a URL we redirect to.
  const page = isUuid(userId) ? `/admin/users/${userId}` : "/admin/users";
  const { runtime, session, metadata } = await requireActionSession(page, "admin");
  const result =
    act === "resend"
      ? await resendInvitation(runtime.invitations, { actor: session, metadata, origin: await currentRequestOrigin() }, userId)
      : await revokeInvitation(runtime.invitations, session, userId, metadata);
  redirect(await flashRedirectPath(page, result.ok ? { notice: act === "resend" ? "invitation-resent" : "invitation-revoked" } : { error: result.code }));
}

export async function resendInvitationAction(formData: FormData): Promise<void> {
  return invitationAction(formData, "resend");
}

export async function revokeInvitationAction(formData: FormData): Promise<void> {
  return invitationAction(formData, "revoke");
}
