"use client";

import { useEffect } from "react";

/**
 * Drops the one-shot message cookie (app/_lib/flash-cookie.ts) once its message is on screen, so a reload
 * does not show it again. The name is repeated here because that module is server-only.
 */
export function FlashCleanup() {
  useEffect(() => {
    document.cookie = `nsi_flash=; Max-Age=0; Path=/; SameSite=Lax${window.isSecureContext ? "; Secure" : ""}`;
  }, []);
  return null;
}
