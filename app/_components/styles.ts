/** Shared Tailwind class lists, so every button, field and card looks and focuses the same way. */
const focusRing = "focus-visible:outline-2 focus-visible:outline-offset-2";
const buttonBase = `inline-flex items-center justify-center gap-2 rounded-md font-semibold shadow-sm transition-colors ${focusRing} disabled:cursor-not-allowed disabled:opacity-60`;

const BUTTON_TONES = {
  primary: "bg-indigo-600 text-white hover:bg-indigo-500 focus-visible:outline-indigo-600",
  secondary: "bg-white text-slate-900 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline-indigo-600",
  danger: "bg-red-600 text-white hover:bg-red-500 focus-visible:outline-red-600",
  dangerSoft: "bg-white text-red-700 ring-1 ring-inset ring-red-300 hover:bg-red-50 focus-visible:outline-red-600",
  amber: "bg-amber-400 text-slate-950 hover:bg-amber-300 focus-visible:outline-amber-300",
} as const;
export type ButtonVariant = keyof typeof BUTTON_TONES;

/** Tone and size are separate lists so no two classes ever compete for the same property. */
export function buttonClass(variant: ButtonVariant = "primary", size: "sm" | "md" = "md"): string {
  return `${buttonBase} ${size === "sm" ? "px-2.5 py-1.5 text-xs" : "px-3.5 py-2 text-sm"} ${BUTTON_TONES[variant]}`;
}

export const ui = {
  link: `font-medium text-indigo-700 underline-offset-2 hover:underline ${focusRing} focus-visible:outline-indigo-600 rounded-sm`,
  input:
    "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 focus:outline-none disabled:bg-slate-100 disabled:text-slate-500",
  label: "block text-sm font-medium text-slate-800",
  hint: "mt-1 text-xs text-slate-600",
  card: "rounded-xl bg-white shadow-sm ring-1 ring-slate-200",
  cardHeader: "border-b border-slate-200 px-5 py-4",
  cardTitle: "text-base font-semibold text-slate-900",
  pageTitle: "text-2xl font-semibold tracking-tight text-slate-900",
  th: "px-4 py-3 text-left text-xs font-semibold uppercase tracking-wide text-slate-600",
  td: "px-4 py-3 text-sm text-slate-800 align-middle",
  /** For tables whose cells wrap to several lines (the audit log): rows read from the top. */
  tdTop: "px-4 py-3 text-sm text-slate-800 align-top",
} as const;
