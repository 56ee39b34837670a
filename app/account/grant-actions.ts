"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { answerRequest, grantAccess, revokeGrant } from "@/lib/impersonation/grants";
import { requireActionSession } from "../_lib/action-session";
import { formDataOf } from "../_lib/form-data";
import { flashRedirectPath } from "../_lib/flash-cookie";

const PAGE = "/account";
const field = z.string().max(64).catch("");

/** Consent is the account owner's alone: `own-account`, so an impersonator can never grant itself access. */
async function owner() {
  const { runtime, session, metadata } = await requireActionSession(PAGE, "own-account");
  return { deps: runtime.grants, session, metadata };
}

export async function grantAccessAction(formData: FormData): Promise<void> {
  const { deps, session, metadata } = await owner();
  const form = formDataOf(formData);
  const result = await grantAccess(deps, session, { scope: field.parse(form.get("scope")), window: field.parse(form.get("window")) }, metadata);
  redirect(await flashRedirectPath(PAGE, result.ok ? { notice: "access-granted" } : { error: result.code }));
}

export async function revokeGrantAction(formData: FormData): Promise<void> {
  const { deps, session, metadata } = await owner();
  const result = await revokeGrant(deps, session, field.parse(formDataOf(formData).get("grantId")), metadata);
  redirect(await flashRedirectPath(PAGE, result.ok ? { notice: "access-revoked" } : { error: result.code }));
}

export async function answerRequestAction(formData: FormData): Promise<void> {
  const { deps, session, metadata } = await owner();
  const form = formDataOf(formData);
  const answer = form.get("answer") === "approve" ? "approve" : "decline";
  const result = await answerRequest(deps, session, { requestId: field.parse(form.get("requestId")), answer, window: field.parse(form.get("window")) }, metadata);
  const done = answer === "approve" ? "request-approved" : "request-declined";
  redirect(await flashRedirectPath(PAGE, result.ok ? { notice: done } : { error: result.code }));
}
