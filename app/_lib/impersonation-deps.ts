import "server-only";
import type { ImpersonationDeps } from "@/lib/impersonation/service";
import type { Runtime } from "@/lib/runtime";

/**
 * The impersonation service's dependencies with IMPERSONATION_REASON_MIN from the config and the login
 * throttle for step-up. (The runtime's own `impersonation` object predates both; once lib/runtime.ts
 * passes them, this adds nothing.)
 */
export function impersonationDeps(runtime: Runtime): ImpersonationDeps {
  return { reasonMinLength: runtime.config.impersonation.reasonMinLength, throttle: runtime.throttle, ...runtime.impersonation };
}
