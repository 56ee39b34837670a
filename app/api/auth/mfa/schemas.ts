import { z } from "zod";
import { CODE_METHODS } from "@/lib/auth/mfa/service";
import { AssertionJson } from "@/lib/auth/mfa/webauthn-json";

export { AssertionJson, AttestationJson } from "@/lib/auth/mfa/webauthn-json";

/** A typed second-factor answer: a TOTP code or a recovery code. */
export const CodeAnswer = z.object({ method: z.enum(CODE_METHODS).default("totp"), code: z.string().min(1).max(64) });

/** Any second-factor answer: a code (method "totp" when none is named), or a passkey's assertion. */
export const FactorAnswer = z.preprocess(
  (v) => (v && typeof v === "object" && !("method" in v) ? { ...v, method: "totp" } : v),
  z.discriminatedUnion("method", [z.object({ method: z.literal("passkey"), response: AssertionJson }), z.object({ method: z.enum(CODE_METHODS), code: z.string().min(1).max(64) })]),
);
