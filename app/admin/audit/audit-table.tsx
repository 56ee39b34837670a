import Link from "next/link";
import type { AuditListItem } from "@/lib/audit/audit";
import { ui } from "../../_components/styles";
import { formatUtcSeconds } from "../../_lib/format";

type Person = AuditListItem["actor"];

/** The person as they were when the row was written; a link only while the user still exists. */
function PersonCell({ person }: { person: Person }) {
  if (!person) return <span className="text-slate-500">—</span>;
  const label = person.name ?? person.email ?? person.id;
  return (
    <>
      {person.live ? (
        <Link href={`/admin/users/${person.id}`} className={ui.link}>
          {label}
        </Link>
      ) : (
        <span>
          {label} <span className="text-xs text-slate-600">(user deleted)</span>
        </span>
      )}
      {person.email && person.email !== label ? <span className="block whitespace-nowrap text-xs text-slate-600">{person.email}</span> : null}
      {person.role ? <span className="block text-xs text-slate-600">{person.role} at the time</span> : null}
    </>
  );
}

function ticketOf(item: AuditListItem): string | null {
  const ticket = item.metadata?.ticket;
  return typeof ticket === "string" && ticket ? ticket : null;
}

/** Refusals carry their error code in metadata; showing it saves a trip to the database. */
function codeOf(item: AuditListItem): string | null {
  const code = item.metadata?.code;
  return typeof code === "string" ? code : null;
}

/** The audit log as a table. Actions are shown raw (`impersonation.start`): they are what people search for. */
export function AuditTable({ items, caption, empty = "No events." }: { items: AuditListItem[]; caption: string; empty?: string }) {
  return (
    <div className="relative overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50">
          <tr>
            {["Time", "Action", "Actor", "Subject", "Reason", "Ticket", "IP"].map((h) => (
              <th key={h} scope="col" className={ui.th}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 bg-white">
          {items.length === 0 ? (
            <tr>
              <td colSpan={7} className="px-4 py-8 text-center text-sm text-slate-600">
                {empty}
              </td>
            </tr>
          ) : null}
          {items.map((item) => (
            <tr key={item.id}>
              <td className={`${ui.tdTop} whitespace-nowrap tabular-nums text-slate-700`}>
                <time dateTime={item.createdAt.toISOString()}>{formatUtcSeconds(item.createdAt)}</time>
              </td>
              <td className={ui.tdTop}>
                <code className="whitespace-nowrap rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-900">{item.action}</code>
                {codeOf(item) ? <span className="mt-1 block font-mono text-xs text-red-800">{codeOf(item)}</span> : null}
              </td>
              <td className={ui.tdTop}>
                <PersonCell person={item.actor} />
              </td>
              <td className={ui.tdTop}>
                <PersonCell person={item.subject} />
              </td>
              <td className={`${ui.tdTop} min-w-48 max-w-xs [overflow-wrap:anywhere]`}>{item.reason ?? <span className="text-slate-500">—</span>}</td>
              <td className={`${ui.tdTop} min-w-24 max-w-48 [overflow-wrap:anywhere]`}>{ticketOf(item) ?? <span className="text-slate-500">—</span>}</td>
              <td className={`${ui.tdTop} whitespace-nowrap font-mono text-xs`}>{item.ip ?? <span className="text-slate-500">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
