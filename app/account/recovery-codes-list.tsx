/** Recovery codes, shown once right after the first factor is enrolled. */
export function RecoveryCodesList({ codes, what }: { codes: string[]; what: string }) {
  return (
    <div>
      <h2 className="text-sm font-semibold text-slate-900">Recovery codes</h2>
      <p className="mt-1 text-sm text-slate-600">Each signs you in once if you lose {what}. Keep them somewhere safe: they are not shown again.</p>
      <ul aria-label="Recovery codes" className="mt-3 grid grid-cols-2 gap-2 font-mono text-sm" data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code} className="rounded bg-slate-100 px-2 py-1">
            {code}
          </li>
        ))}
      </ul>
    </div>
  );
}
