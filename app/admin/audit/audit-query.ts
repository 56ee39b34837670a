/** The audit view's filters, all in the URL (?actor=&subject=&action=&from=&to=&page=). */
import { AUDIT_ACTIONS, type AuditAction } from "@/lib/audit/audit";
import type { AuditExportFormat } from "@/lib/audit/export";
import { firstParam } from "../../_lib/params";

export interface AuditView {
  actor: string;
  subject: string;
  action?: AuditAction;
  /** YYYY-MM-DD, UTC days. */
  from?: string;
  to?: string;
  page: number;
}

export const AUDIT_PAGE_SIZE = 50;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export function isAuditDay(value: string): boolean {
  return DAY.test(value) && !Number.isNaN(new Date(`${value}T00:00:00Z`).getTime());
}
function parseDay(value: string | undefined): string | undefined {
  return value && isAuditDay(value) ? value : undefined;
}

export function parseAuditView(params: Record<string, string | string[] | undefined>): AuditView {
  const action = firstParam(params, "action");
  const page = Number(firstParam(params, "page"));
  return {
    actor: (firstParam(params, "actor") ?? "").trim().slice(0, 320),
    subject: (firstParam(params, "subject") ?? "").trim().slice(0, 320),
    action: AUDIT_ACTIONS.includes(action as AuditAction) ? (action as AuditAction) : undefined,
    from: parseDay(firstParam(params, "from")),
    to: parseDay(firstParam(params, "to")),
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
  };
}

/** Whole UTC days: "to" includes the entire day it names. */
export function dayRange(view: Pick<AuditView, "from" | "to">): { from?: Date; to?: Date } {
  return {
    from: view.from ? new Date(`${view.from}T00:00:00.000Z`) : undefined,
    to: view.to ? new Date(`${view.to}T23:59:59.999Z`) : undefined,
  };
}

function filterParams(next: AuditView): URLSearchParams {
  const query = new URLSearchParams();
  if (next.actor) query.set("actor", next.actor);
  if (next.subject) query.set("subject", next.subject);
  if (next.action) query.set("action", next.action);
  if (next.from) query.set("from", next.from);
  if (next.to) query.set("to", next.to);
  return query;
}

export function auditHref(view: AuditView, changes: Partial<AuditView> = {}): string {
  const next = { ...view, ...changes };
  const query = filterParams(next);
  if (next.page > 1) query.set("page", String(next.page));
  const search = query.toString();
  return search ? `/admin/audit?${search}` : "/admin/audit";
}

/** The same filters as a download of every matching row (GET /api/admin/audit?format=…). */
export function auditExportHref(view: AuditView, format: AuditExportFormat): string {
  const query = filterParams(view);
  query.set("format", format);
  return `/api/admin/audit?${query.toString()}`;
}
