"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorMessage, NoticeMessage } from "../_components/messages";
import { PasskeyButton } from "../_components/passkey-button";
import { buttonClass, ui } from "../_components/styles";
import { callApi, createPasskey, stepUpWithPasskey, type ClientResult } from "../_lib/passkey-client";
import { RecoveryCodesList } from "./recovery-codes-list";

export interface PasskeyRow {
  id: string;
  name: string;
  created: string;
  lastUsed: string;
}

type Registered = { passkey: { id: string; name: string }; recoveryCodes: string[] | null };

/**
 * Adds and removes passkeys. A change on an account that has a factor needs that factor fresh: the server
 * says STEP_UP_REQUIRED, and this answers it with a passkey (or the authenticator code typed here), then retries.
 */
export function PasskeyManager({ passkeys, hasTotp }: { passkeys: PasskeyRow[]; hasTotp: boolean }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [code, setCode] = useState("");
  const [codes, setCodes] = useState<string[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [removeError, setRemoveError] = useState<{ code: string; message: string } | null>(null);
  const codeStepUp = hasTotp && passkeys.length === 0;

  const stepUp = async (): Promise<ClientResult<unknown>> => {
    if (passkeys.length > 0) return stepUpWithPasskey();
    if (!code.trim()) return { ok: false, code: "STEP_UP_REQUIRED", message: "Enter a current code from your authenticator app first." };
    return callApi("/api/auth/mfa/step-up", "POST", { method: "totp", code });
  };
  const withStepUp = async <T,>(action: () => Promise<ClientResult<T>>): Promise<ClientResult<T>> => {
    const first = await action();
    if (first.ok || first.code !== "STEP_UP_REQUIRED") return first;
    const stepped = await stepUp();
    return stepped.ok ? action() : stepped;
  };
  const register = async (): Promise<ClientResult<Registered>> => {
    const created = await createPasskey();
    if (!created.ok) return created;
    return callApi<Registered>("/api/auth/mfa/passkeys", "POST", { name, response: created.value });
  };

  if (codes) {
    return (
      <div className="space-y-4">
        <NoticeMessage>Two-step verification is on. Your other sessions were signed out.</NoticeMessage>
        <RecoveryCodesList codes={codes} what="your passkeys" />
        <button type="button" className={ui.link} onClick={() => (setCodes(null), router.refresh())}>
          I have saved them
        </button>
      </div>
    );
  }
  return (
    <div className="space-y-5">
      {notice ? <NoticeMessage>{notice}</NoticeMessage> : null}
      {passkeys.length > 0 ? (
        <ul aria-label="Your passkeys" className="divide-y divide-slate-200 rounded-md border border-slate-200">
          {passkeys.map((p) => (
            <li key={p.id} className="flex flex-wrap items-center justify-between gap-3 px-3 py-2 text-sm">
              <div>
                <p className="font-medium text-slate-900">{p.name}</p>
                <p className="text-slate-600">
                  Added {p.created} · last used {p.lastUsed}
                </p>
              </div>
              <button
                type="button"
                className={buttonClass("dangerSoft", "sm")}
                aria-label={`Remove passkey ${p.name}`}
                onClick={async () => {
                  setRemoveError(null);
                  const removed = await withStepUp(() => callApi(`/api/auth/mfa/passkeys/${encodeURIComponent(p.id)}`, "DELETE", {}));
                  if (!removed.ok) return setRemoveError({ code: removed.code, message: removed.message });
                  setNotice(`Passkey "${p.name}" removed.`);
                  router.refresh();
                }}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-sm text-slate-700">No passkeys yet.</p>
      )}
      {removeError ? (
        <ErrorMessage id="passkey-remove-error" code={removeError.code}>
          {removeError.message}
        </ErrorMessage>
      ) : null}
      <div className="space-y-3">
        <div>
          <label htmlFor="passkey-name" className={ui.label}>
            Name for the new passkey
          </label>
          <input
            id="passkey-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={60}
            placeholder="e.g. Work laptop"
            className={`${ui.input} mt-1.5`}
          />
        </div>
        {codeStepUp ? (
          <div>
            <label htmlFor="passkey-step-up-code" className={ui.label}>
              Current code from your authenticator app
            </label>
            <input
              id="passkey-step-up-code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={64}
              className={`${ui.input} mt-1.5 font-mono`}
            />
            <p className={ui.hint}>Asked when your last code is not recent: adding a factor needs one you already have.</p>
          </div>
        ) : null}
        <PasskeyButton
          run={() => withStepUp(register)}
          errorId="passkey-add-error"
          onDone={(value) => {
            setName("");
            setCode("");
            if (value.recoveryCodes) setCodes(value.recoveryCodes);
            else {
              setNotice(`Passkey "${value.passkey.name}" added.`);
              router.refresh();
            }
          }}
        >
          Add a passkey
        </PasskeyButton>
      </div>
    </div>
  );
}
