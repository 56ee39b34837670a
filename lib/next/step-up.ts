import "server-only";
import { z } from "zod";
import type { StepUpAnswer } from "../auth/step-up";
import { AssertionJson } from "../auth/mfa/webauthn-json";
import type { Result } from "../errors";
import type { Runtime } from "../runtime";
import type { ApiContext } from "./api-handler";
import { jsonError } from "./api-handler";
import { passkeyAnswerOf, passkeyFieldAnswer } from "./passkeys";

/**
 * The step-up answer as a JSON body carries it, beside the action's own fields: `password`, `code` (from an
 * authenticator app) or `passkey` (an assertion; options from POST /api/auth/mfa/passkeys/assertion with
 * purpose step-up). Which one is due comes back as `details.stepUpWith` in a 401 REAUTH_REQUIRED.
 */
export const StepUpBody = z.object({
  password: z.string().max(1024).optional(),
  code: z.string().max(64).optional(),
  passkey: AssertionJson.optional(),
});

export function stepUpAnswerOf(ctx: ApiContext, body: z.infer<typeof StepUpBody>): StepUpAnswer {
  return { password: body.password, code: body.code, passkey: body.passkey ? passkeyAnswerOf(ctx, body.passkey) : null };
}

/** The same answer posted by a form (app/admin/_components/step-up-fields.tsx names the fields). */
export async function formStepUpAnswer(runtime: Runtime, form: { get(name: string): FormDataEntryValue | null }): Promise<StepUpAnswer> {
  const text = (name: string, max: number) => {
    const value = form.get(name);
    return typeof value === "string" && value.length <= max ? value : undefined;
  };
  return { password: text("password", 1024), code: text("code", 64), passkey: await passkeyFieldAnswer(runtime, text("passkey", 40_000)) };
}

/** A refusal as JSON; a throttled step-up also says when to try again (Retry-After), as login does. */
export function refusalResponse(result: Extract<Result<unknown>, { ok: false }>): Response {
  if (result.code === "RATE_LIMITED") {
    const retryAfter = Number(result.details?.retryAfter) || 60;
    return jsonError("RATE_LIMITED", { headers: { "Retry-After": String(retryAfter) }, details: { ...result.details, retryAfter }, message: result.message });
  }
  return jsonError(result.code, { message: result.message, details: result.details });
}
