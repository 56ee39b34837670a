import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { listOutbox } from "@/lib/notify/outbox";
import { getRuntime } from "@/lib/runtime";
import { Pill } from "../../_components/badges";
import { ui } from "../../_components/styles";
import { formatUtcSeconds } from "../../_lib/format";

export const metadata: Metadata = { title: "Development mailbox" };
export const dynamic = "force-dynamic";

const TONES = { pending: "slate", retrying: "amber", sent: "emerald", failed: "red" } as const;

/**
 * Every outbox message, for development without a mail server (SMTP_URL unset). It shows mail to anyone who
 * asks, so it does not exist in production (DEV_MAILBOX, lib/config.ts).
 */
export default async function DevMailboxPage() {
  const runtime = await getRuntime();
  if (!runtime.config.mail.devMailbox) notFound();
  const messages = await listOutbox(runtime.database.db, 100);
  return (
    <div className="space-y-6">
      <div>
        <h1 className={ui.pageTitle}>Development mailbox</h1>
        <p className="mt-1 text-sm text-slate-600">
          The newest mail in the outbox. {runtime.config.mail.smtpUrl ? "A worker delivers it over SMTP." : "SMTP_URL is not set, so nothing is sent: mail waits here."}
        </p>
      </div>
      {messages.length === 0 ? <p className="text-sm text-slate-600">No mail yet.</p> : null}
      <ul className="space-y-4">
        {messages.map((m) => (
          <li key={m.id} className={ui.card}>
            <article aria-labelledby={`mail-${m.id}`}>
              <div className={`${ui.cardHeader} flex flex-wrap items-center justify-between gap-2`}>
                <h2 id={`mail-${m.id}`} className={`${ui.cardTitle} [overflow-wrap:anywhere]`}>
                  {m.mail?.subject ?? "(a template this version cannot show)"}
                </h2>
                <Pill tone={TONES[m.status]}>{m.status}</Pill>
              </div>
              <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 px-5 pt-3 text-sm">
                <dt className="text-slate-600">To</dt>
                <dd className="[overflow-wrap:anywhere]">{m.to}</dd>
                <dt className="text-slate-600">Queued</dt>
                <dd>{formatUtcSeconds(m.createdAt)}</dd>
                <dt className="text-slate-600">Attempts</dt>
                <dd>{m.attempts}</dd>
                {m.lastError ? (
                  <>
                    <dt className="text-slate-600">Last error</dt>
                    <dd className="[overflow-wrap:anywhere]">{m.lastError}</dd>
                  </>
                ) : null}
              </dl>
              <pre className="m-5 whitespace-pre-wrap rounded-md bg-slate-50 p-3 text-sm text-slate-800 [overflow-wrap:anywhere]">{m.mail?.text ?? ""}</pre>
            </article>
          </li>
        ))}
      </ul>
    </div>
  );
}
