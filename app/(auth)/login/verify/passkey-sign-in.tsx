"use client";

import { useRouter } from "next/navigation";
import { PasskeyButton } from "../../../_components/passkey-button";
import { callApi, passkeyAssertion, type ClientResult } from "../../../_lib/passkey-client";

/** The passkey way through the second step: the browser's prompt, then POST /api/auth/mfa/verify. */
export function PasskeySignIn({ next }: { next: string }) {
  const router = useRouter();
  const signIn = async (): Promise<ClientResult<unknown>> => {
    const assertion = await passkeyAssertion("sign-in");
    const result = assertion.ok ? await callApi("/api/auth/mfa/verify", "POST", { method: "passkey", response: assertion.value }) : assertion;
    // The pending sign-in is gone (too old, too many tries): back to the password, as the code form does.
    if (!result.ok && result.code === "MFA_CHALLENGE_EXPIRED") router.replace(`/login?${new URLSearchParams({ mfa: "expired", next })}`);
    return result;
  };
  // A full load after success: every part of the page, the header included, then reads the new session.
  return (
    <PasskeyButton run={signIn} onDone={() => window.location.assign(next)} errorId="passkey-error">
      Sign in with your passkey
    </PasskeyButton>
  );
}
