import type { Metadata } from "next";
import Form from "next/form";
import Link from "next/link";
import { AUDIT_ACTIONS, listAuditEvents, personFilter } from "@/lib/audit/audit";
import { auditChainStatus } from "@/lib/audit/chain-status";
import type { Db } from "@/lib/db/types";
import { getRuntime } from "@/lib/runtime";
import { userIdsMatching } from "@/lib/users/users";
import { ForbiddenView } from "../../_components/access-views";
import { InfoMessage } from "../../_components/messages";
import { Pagination } from "../../_components/pagination";
import { buttonClass, ui } from "../../_components/styles";
import { checkStaffPage } from "../_lib/staff-page";
import { AuditTable } from "./audit-table";
import { AUDIT_PAGE_SIZE, auditExportHref, auditHref, dayRange, parseAuditView } from "./audit-query";
import { ChainStatus } from "./chain-status";

export const metadata: Metadata = { title: "Audit log" };

/**
 * "Filter by person" takes a user id, or any part of a name or email ("ada", "lovelace ada",
 * "grace.lovelace.1@example.com"): every word must appear in the person's name or email.
 */
async function resolvePerson(db: Db, value: string): Promise<{ id?: string; search?: string; unknown?: boolean }> {
  const filter = personFilter(value);
  if (!filter.search) return filter;
  const [match] = await userIdsMatching(db, filter.search).limit(1);
  return { ...filter, unknown: !match };
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const view = parseAuditView(await searchParams);
  const { session, denied } = await checkStaffPage(auditHref(view));
  if (denied) return <ForbiddenView impersonatedName={session.impersonation ? session.user.name : null} />;
  const runtime = await getRuntime();
  const [actor, subject, chain] = await Promise.all([resolvePerson(runtime.database.db, view.actor), resolvePerson(runtime.database.db, view.subject), auditChainStatus(runtime.database.db)]);
  const { items, total } = await listAuditEvents(runtime.database.db, {
    actorId: actor.id,
    subjectId: subject.id,
    actorSearch: actor.search,
    subjectSearch: subject.search,
    action: view.action,
    ...dayRange(view),
    page: view.page,
    pageSize: AUDIT_PAGE_SIZE,
  });
  const filtered = Boolean(view.actor || view.subject || view.action || view.from || view.to);

  return (
    <div className="space-y-6">
      <div>
        <h1 className={ui.pageTitle}>Audit log</h1>
        <p className="mt-1 text-sm text-slate-600">Every sign-in, impersonation and admin change, newest first. Times are UTC.</p>
      </div>

      {/* Keyed by the view, so after Back/Forward or "Clear" the fields show what the URL says. */}
      <Form key={auditHref({ ...view, page: 1 })} action="/admin/audit" role="search" aria-label="Filter the audit log" className={`${ui.card} grid gap-4 px-4 py-4 sm:grid-cols-2 lg:grid-cols-6`}>
        <div className="lg:col-span-2">
          <label htmlFor="audit-actor" className={ui.label}>
            Actor
          </label>
          <input id="audit-actor" name="actor" defaultValue={view.actor} maxLength={320} placeholder="Name, email or user id" className={`${ui.input} mt-1.5`} />
        </div>
        <div className="lg:col-span-2">
          <label htmlFor="audit-subject" className={ui.label}>
            Subject
          </label>
          <input id="audit-subject" name="subject" defaultValue={view.subject} maxLength={320} placeholder="Name, email or user id" className={`${ui.input} mt-1.5`} />
        </div>
        <div className="lg:col-span-2">
          <label htmlFor="audit-action" className={ui.label}>
            Action
          </label>
          <select id="audit-action" name="action" defaultValue={view.action ?? ""} className={`${ui.input} mt-1.5 pr-8 font-mono`}>
            <option value="">Any action</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div className="lg:col-span-2">
          <label htmlFor="audit-from" className={ui.label}>
            From
          </label>
          <input id="audit-from" name="from" type="date" defaultValue={view.from} className={`${ui.input} mt-1.5`} />
        </div>
        <div className="lg:col-span-2">
          <label htmlFor="audit-to" className={ui.label}>
            To
          </label>
          <input id="audit-to" name="to" type="date" defaultValue={view.to} className={`${ui.input} mt-1.5`} />
        </div>
        <div className="flex items-end gap-2 lg:col-span-2">
          <button type="submit" className={buttonClass("primary")}>
            Filter
          </button>
          {filtered ? (
            <Link href="/admin/audit" className={buttonClass("secondary")}>
              Reset
            </Link>
          ) : null}
        </div>
      </Form>

      <ChainStatus report={chain} />

      <div className="flex flex-wrap items-center gap-2">
        <span className="text-sm text-slate-700">Export {filtered ? "the filtered log" : "the whole log"}:</span>
        <a href={auditExportHref(view, "csv")} download className={buttonClass("secondary")}>
          Download CSV
        </a>
        <a href={auditExportHref(view, "ndjson")} download className={buttonClass("secondary")}>
          Download NDJSON
        </a>
      </div>

      {actor.unknown || subject.unknown ? (
        <InfoMessage role="status">
          {actor.unknown ? <>No user matches the actor “{view.actor}”. </> : null}
          {subject.unknown ? <>No user matches the subject “{view.subject}”. </> : null}
          Use an email address or a user id.
        </InfoMessage>
      ) : null}

      <section aria-label="Audit events" className={`${ui.card} overflow-hidden`}>
        <AuditTable items={items} caption="Audit events, newest first" empty={filtered ? "No events match these filters." : "No events yet."} />
        <Pagination page={view.page} pageSize={AUDIT_PAGE_SIZE} total={total} hrefFor={(page) => auditHref(view, { page })} />
      </section>
    </div>
  );
}
