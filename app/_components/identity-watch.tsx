"use client";

import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { identityKeyOf, SIGNED_OUT_KEY, type IdentityShape } from "../_lib/identity-key";

const CHANNEL = "nsi-identity";
/** A light re-check while the tab is visible, for changes made in another browser (a force-end). */
const POLL_MS = 30_000;
const RETRY_MS = 1_500;
const MAX_REFRESHES = 3;

/** Who `/api/auth/user` says this browser is now; null when the answer says nothing either way. */
async function currentIdentityKey(): Promise<string | null> {
  try {
    const res = await fetch("/api/auth/user", { cache: "no-store", credentials: "same-origin", headers: { accept: "application/json" } });
    if (res.status === 401) return SIGNED_OUT_KEY;
    if (!res.ok) return null;
    return identityKeyOf((await res.json()) as IdentityShape);
  } catch {
    // Offline or the server is restarting: keep what is on screen; the next check tries again.
    return null;
  }
}

/**
 * The root layout (banner, header) is not rendered again by a client-side navigation, so a sign-in-as,
 * stop or sign-out in another tab would leave it showing someone who is no longer there. This renders
 * nothing; it compares the identity the layout was rendered for (`renderedKey`) with the session the
 * browser holds now, and asks the server to render again (router.refresh()) when they differ:
 *  - after every navigation (the page below was rendered for the current session, the layout maybe not);
 *  - when the tab becomes visible or gains focus, and every POLL_MS while visible;
 *  - at once when another tab of this browser renders a different identity (BroadcastChannel).
 * Without JavaScript every page load renders the layout afresh, so nothing is needed there.
 */
export function IdentityWatch({ renderedKey }: { renderedKey: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const rendered = useRef(renderedKey);
  // How often a refresh was asked for the identity seen last: bounded, so a server that keeps rendering
  // something else (an outage page) cannot cause a refresh loop.
  const attempts = useRef<{ key: string; count: number }>({ key: "", count: 0 });
  const retry = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const check = useRef<() => Promise<void>>(async () => {});

  // A new render of the layout is checked too: a refresh that was answered before a sign-in-as or stop
  // elsewhere took effect can land after it and bring the old identity back.
  useEffect(() => {
    rendered.current = renderedKey;
    void check.current();
  }, [renderedKey]);

  useEffect(() => {
    check.current = async () => {
      const now = await currentIdentityKey();
      if (now === null || now === rendered.current) return;
      if (attempts.current.key !== now) attempts.current = { key: now, count: 0 };
      if (attempts.current.count >= MAX_REFRESHES) return;
      attempts.current.count += 1;
      router.refresh();
      // A refresh asked for while another navigation is still settling (a form's redirect) can be
      // dropped; look again shortly and ask once more if the page still shows someone else.
      clearTimeout(retry.current);
      retry.current = setTimeout(() => void check.current(), RETRY_MS);
    };
    return () => clearTimeout(retry.current);
  }, [router]);

  // Tell the other tabs who this one is now; they check for themselves (the message is only a hint).
  useEffect(() => {
    if (typeof BroadcastChannel === "undefined") return;
    const channel = new BroadcastChannel(CHANNEL);
    channel.onmessage = (event: MessageEvent<unknown>) => {
      if (typeof event.data === "string" && event.data !== rendered.current) void check.current();
    };
    channel.postMessage(renderedKey);
    return () => channel.close();
  }, [renderedKey]);

  useEffect(() => {
    void check.current();
  }, [pathname]);

  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === "visible") void check.current();
    };
    const timer = setInterval(onVisible, POLL_MS);
    window.addEventListener("focus", onVisible);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      clearInterval(timer);
      window.removeEventListener("focus", onVisible);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, []);

  return null;
}
