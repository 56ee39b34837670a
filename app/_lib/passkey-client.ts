/**
 * The browser half of the passkey ceremonies, for client components: fetch options, let the browser's WebAuthn
 * call answer them, send the answer back. Every outcome is a value; a failure carries a code and a message to show.
 */
import { startAuthentication, startRegistration, type AuthenticationResponseJSON, type RegistrationResponseJSON } from "@simplewebauthn/browser";

export type ClientResult<T> = { ok: true; value: T } | { ok: false; code: string; message: string; details?: Record<string, unknown> };

/** A JSON call to our API, same origin; the error envelope becomes a failed result. */
export async function callApi<T>(path: string, method: "POST" | "DELETE", body: unknown): Promise<ClientResult<T>> {
  let response: Response;
  try {
    response = await fetch(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body), credentials: "same-origin" });
  } catch {
    return { ok: false, code: "NETWORK", message: "The server could not be reached. Check the connection and try again." };
  }
  const data = (await response.json().catch(() => null)) as { error?: { code: string; message: string; details?: Record<string, unknown> } } | null;
  if (!response.ok) return { ok: false, code: data?.error?.code ?? "INTERNAL", message: data?.error?.message ?? "Something went wrong. Try again.", details: data?.error?.details };
  return { ok: true, value: data as T };
}

/** The browser's own refusals (prompt closed, timed out, no matching passkey), in words a person can act on. */
function browserFailure(error: unknown): ClientResult<never> {
  const name = error instanceof Error ? error.name : "";
  const code = (error as { code?: string } | null)?.code;
  if (code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED") return { ok: false, code: "PASSKEY_EXISTS", message: "This device already holds a passkey for your account." };
  if (name === "NotAllowedError" || code === "ERROR_CEREMONY_ABORTED") {
    return { ok: false, code: "PASSKEY_CANCELLED", message: "The passkey prompt was closed or timed out. Try again when you are ready." };
  }
  return { ok: false, code: "PASSKEY_UNSUPPORTED", message: "This browser could not use a passkey here." };
}

/** Asks the browser for a passkey answer to fresh options, for a sign-in or a step-up. */
export async function passkeyAssertion(purpose: "sign-in" | "step-up"): Promise<ClientResult<AuthenticationResponseJSON>> {
  const options = await callApi<{ options: Parameters<typeof startAuthentication>[0]["optionsJSON"] }>("/api/auth/mfa/passkeys/assertion", "POST", { purpose });
  if (!options.ok) return options;
  try {
    return { ok: true, value: await startAuthentication({ optionsJSON: options.value.options }) };
  } catch (error) {
    return browserFailure(error);
  }
}

/** Proves the passkey again on this session (before Sign In As, a factor change, an admin reset). */
export async function stepUpWithPasskey(): Promise<ClientResult<unknown>> {
  const assertion = await passkeyAssertion("step-up");
  if (!assertion.ok) return assertion;
  return callApi("/api/auth/mfa/step-up", "POST", { method: "passkey", response: assertion.value });
}

/** Creates a passkey in the browser for fresh registration options. */
export async function createPasskey(): Promise<ClientResult<RegistrationResponseJSON>> {
  const options = await callApi<{ options: Parameters<typeof startRegistration>[0]["optionsJSON"] }>("/api/auth/mfa/passkeys/registration", "POST", {});
  if (!options.ok) return options;
  try {
    return { ok: true, value: await startRegistration({ optionsJSON: options.value.options }) };
  } catch (error) {
    return browserFailure(error);
  }
}
