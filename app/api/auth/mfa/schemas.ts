import { z } from "zod";
import { MFA_METHODS } from "@/lib/auth/mfa/service";

/** A second-factor answer as every MFA route takes it: a TOTP code or a recovery code. */
export const FactorAnswer = z.object({ method: z.enum(MFA_METHODS).default("totp"), code: z.string().min(1).max(64) });
