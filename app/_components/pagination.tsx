import Link from "next/link";
import { buttonClass } from "./styles";

/** Previous / next links with the total, so every page of a list is a URL (shareable, back-button safe). */
export function Pagination({ page, pageSize, total, hrefFor }: { page: number; pageSize: number; total: number; hrefFor: (page: number) => string }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const disabled = `${buttonClass("secondary", "sm")} pointer-events-none opacity-50`;
  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-200 px-4 py-3 text-sm text-slate-700">
      <p>
        {total === 0 ? (
          "No results"
        ) : (
          <>
            Showing <span className="font-medium">{first}</span>–<span className="font-medium">{last}</span> of{" "}
            <span className="font-medium">{total}</span>
          </>
        )}
      </p>
      <div className="flex items-center gap-2">
        <span className="mr-1 text-slate-600">
          Page {Math.min(page, pages)} of {pages}
        </span>
        {page > 1 ? (
          <Link href={hrefFor(Math.min(page - 1, pages))} rel="prev" className={buttonClass("secondary", "sm")}>
            Previous
          </Link>
        ) : (
          <span aria-disabled="true" className={disabled}>
            Previous
          </span>
        )}
        {page < pages ? (
          <Link href={hrefFor(page + 1)} rel="next" className={buttonClass("secondary", "sm")}>
            Next
          </Link>
        ) : (
          <span aria-disabled="true" className={disabled}>
            Next
          </span>
        )}
      </div>
    </nav>
  );
}
