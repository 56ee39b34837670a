import "server-only";
import { cookies } from "next/headers";
import { getRuntime } from "@/lib/runtime";
import { readFlash, withFlash, type Flash, type NoticeKey } from "./flash";
import type { ErrorCode } from "@/lib/errors";

/** Shared with <FlashMessages>, whose script drops the cookie once the message is on screen. */
export const FLASH_COOKIE = "nsi_flash";
/** Long enough for the redirect that follows the post; without JavaScript, how long a reload repeats it. */
export const FLASH_MAX_AGE_S = 20;

/** Leaves a one-shot message for the page at `path` and returns the path to redirect to, unchanged. */
export async function flashRedirectPath(path: string, flash: { notice: NoticeKey } | { error: ErrorCode }): Promise<string> {
  const runtime = await getRuntime();
  (await cookies()).set(FLASH_COOKIE, withFlash(path, flash), {
    // Not HttpOnly: the page's script clears it once shown. It holds a page path and a code, nothing secret.
    httpOnly: false,
    sameSite: "lax",
    secure: runtime.config.session.cookieSecure,
    path: "/",
    maxAge: FLASH_MAX_AGE_S,
  });
  return path;
}

/** The message left for the page at `pathname`; one meant for another page is not shown here. */
export async function readPageFlash(pathname: string): Promise<Flash> {
  const raw = (await cookies()).get(FLASH_COOKIE)?.value;
  if (!raw) return {};
  let url: URL;
  try {
    url = new URL(raw, "http://flash.invalid");
  } catch {
    return {};
  }
  if (url.origin !== "http://flash.invalid" || url.pathname !== pathname) return {};
  return readFlash(Object.fromEntries(url.searchParams));
}
