"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { LinkResult } from "@/app/actions/email";

type Texts = { pending: string; ok: string; okDetail: string; failed: string };

/**
 * Sends the key of an email link to its Server Action once the page has
 * loaded in a browser, and shows the outcome. Not during the server render:
 * a mail scanner that fetches the link without running it spends no key.
 */
export function EmailLinkCheck({
  keyValue,
  check,
  texts,
  next,
}: {
  keyValue: string;
  check: (key: string) => Promise<LinkResult>;
  texts: Texts;
  next: { href: string; label: string };
}) {
  const [result, setResult] = useState<LinkResult>();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return; // once, even where React runs effects twice (development)
    started.current = true;
    check(keyValue).then(setResult, () =>
      setResult({ ok: false, error: "The server is not reachable right now. Please try again in a moment." }),
    );
  }, [check, keyValue]);

  return (
    <>
      <h1>{!result ? texts.pending : result.ok ? texts.ok : texts.failed}</h1>
      {!result && <p className="muted" aria-busy="true">One moment…</p>}
      {result?.ok && (
        <p role="status" className="notice">
          {texts.okDetail}
        </p>
      )}
      {result && !result.ok && (
        <p role="alert" className="alert">
          {result.error}
        </p>
      )}
      {result && (
        <p className="muted">
          <Link href={next.href}>{next.label}</Link>
        </p>
      )}
    </>
  );
}
