import Link from "next/link";
import { buttonClass } from "./_components/styles";
import { ErrorShell } from "./_components/error-shell";

export const metadata = { title: "Sign in required" };

export default function Unauthorized() {
  return (
    <ErrorShell
      code="401"
      title="Sign in to continue"
      actions={
        <Link href="/login" className={buttonClass("primary")}>
          Sign in
        </Link>
      }
    >
      <p>This page is only for signed-in users. Your session may have ended; sign in again to continue.</p>
    </ErrorShell>
  );
}
