import type { ChainReport } from "@/lib/audit/verify";
import { ErrorMessage, NoticeMessage } from "../../_components/messages";
import { formatUtcSeconds } from "../../_lib/format";

/** Whether the hash chain verifies up to the latest row, or the first row that breaks it. */
export function ChainStatus({ report }: { report: ChainReport & { checkedAt: Date } }) {
  if (report.ok) {
    return (
      <NoticeMessage>
        <span data-testid="audit-chain" data-ok="true">
          Audit chain verifies up to the latest row (seq {report.head.seq}). Last full check {formatUtcSeconds(report.checkedAt)} UTC.
        </span>
        <span className="mt-1 block break-all font-mono text-xs">head {report.head.hash}</span>
      </NoticeMessage>
    );
  }
  return (
    <ErrorMessage code={`chain_${report.break!.problem}`}>
      <span data-testid="audit-chain" data-ok="false">
        Audit chain broken: {report.break!.message}. The {report.rows} rows before it verify. Run <code>npm run audit:verify</code> for the full report.
      </span>
    </ErrorMessage>
  );
}
