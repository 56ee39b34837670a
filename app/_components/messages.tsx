import type { Flash } from "../_lib/flash";
import { FlashCleanup } from "./flash-cleanup";

/** Errors interrupt (role="alert"); confirmations are polite (role="status"). */
export function ErrorMessage({ children, code, id }: { children: React.ReactNode; code?: string; id?: string }) {
  return (
    <div id={id} role="alert" data-code={code} className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
      {children}
    </div>
  );
}

export function NoticeMessage({ children }: { children: React.ReactNode }) {
  return (
    <div role="status" className="rounded-md border border-emerald-300 bg-emerald-50 px-4 py-3 text-sm text-emerald-900">
      {children}
    </div>
  );
}

export function InfoMessage({ children, code, role }: { children: React.ReactNode; code?: string; role?: "status" | "note" }) {
  return (
    <div role={role} data-code={code} className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
      {children}
    </div>
  );
}

export function FlashMessages({ flash }: { flash: Flash }) {
  if (!flash.notice && !flash.error) return null;
  return (
    <div className="space-y-2">
      <FlashCleanup />
      {flash.error ? <ErrorMessage code={flash.error.code}>{flash.error.message}</ErrorMessage> : null}
      {flash.notice ? <NoticeMessage>{flash.notice}</NoticeMessage> : null}
    </div>
  );
}
