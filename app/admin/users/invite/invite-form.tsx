"use client";

import { useActionState } from "react";
import type { StepUpFactor } from "@/lib/auth/step-up";
import type { UserRole } from "@/lib/db/schema";
import { ErrorMessage } from "../../../_components/messages";
import { ui } from "../../../_components/styles";
import { SubmitButton } from "../../../_components/submit-button";
import { StepUpFields } from "../../_components/step-up-fields";
import { inviteUserAction, type InviteState } from "./actions";

const ROLES: { value: UserRole; label: string; hint: string }[] = [
  { value: "user", label: "User", hint: "An ordinary account." },
  { value: "support", label: "Support", hint: "Can look up users and sign in as regular users. Needs your step-up." },
  { value: "admin", label: "Admin", hint: "Full control of the console. Needs your step-up." },
];

/** A plain HTML form (works without JavaScript); with it, the error appears in place and the fields keep their values. */
export function InviteForm({ stepUp, windowText }: { stepUp: StepUpFactor | null; windowText: string }) {
  const [state, formAction] = useActionState<InviteState, FormData>(inviteUserAction, {});
  const invalid = (field: string) => (state.error?.field === field ? true : undefined);
  return (
    <form action={formAction} className="space-y-5">
      {state.error ? (
        <ErrorMessage id="invite-error" code={state.error.code}>
          {state.error.message}
        </ErrorMessage>
      ) : null}
      <div>
        <label htmlFor="invite-name" className={ui.label}>
          Name
        </label>
        <input id="invite-name" name="name" required maxLength={200} autoComplete="off" defaultValue={state.values?.name} aria-invalid={invalid("name")} aria-describedby={invalid("name") ? "invite-error" : undefined} className={`${ui.input} mt-1.5`} />
      </div>
      <div>
        <label htmlFor="invite-email" className={ui.label}>
          Email
        </label>
        <input id="invite-email" name="email" type="email" required maxLength={320} autoComplete="off" defaultValue={state.values?.email} aria-invalid={invalid("email")} aria-describedby={invalid("email") ? "invite-error" : undefined} className={`${ui.input} mt-1.5`} />
      </div>
      <fieldset>
        <legend className={ui.label}>Role</legend>
        <div className="mt-2 space-y-2">
          {ROLES.map((r) => (
            <label key={r.value} className="flex items-start gap-2 text-sm text-slate-800">
              <input type="radio" name="role" value={r.value} defaultChecked={(state.values?.role ?? "user") === r.value} className="mt-1" />
              <span>
                <span className="font-medium">{r.label}</span> <span className="text-slate-600">{r.hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <StepUpFields due={stepUp} idPrefix="invite" passkeyLabel="Confirm with your passkey and send" variant="primary" windowText={windowText} onlyFor="a Support or Admin account" />
      <SubmitButton>Send invitation</SubmitButton>
    </form>
  );
}
