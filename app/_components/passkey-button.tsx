"use client";

import { useState } from "react";
import type { ClientResult } from "../_lib/passkey-client";
import { ErrorMessage } from "./messages";
import { Spinner } from "./submit-button";
import { buttonClass, type ButtonVariant } from "./styles";

/**
 * A button that runs one passkey ceremony (`run`) and shows its failure in place. Passkeys need JavaScript;
 * where a code works too, the page keeps its plain form beside this button.
 */
export function PasskeyButton<T>({
  run,
  onDone,
  children,
  variant = "primary",
  errorId,
}: {
  run: () => Promise<ClientResult<T>>;
  onDone: (value: T) => void;
  children: React.ReactNode;
  variant?: ButtonVariant;
  errorId: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  return (
    <div className="space-y-3">
      {error ? (
        <ErrorMessage id={errorId} code={error.code}>
          {error.message}
        </ErrorMessage>
      ) : null}
      <button
        type="button"
        disabled={busy}
        aria-busy={busy || undefined}
        aria-describedby={error ? errorId : undefined}
        className={buttonClass(variant)}
        onClick={async () => {
          setBusy(true);
          setError(null);
          const result = await run();
          setBusy(false);
          if (result.ok) onDone(result.value);
          else setError({ code: result.code, message: result.message });
        }}
      >
        {busy ? <Spinner /> : null}
        {children}
      </button>
    </div>
  );
}
