"use client";

import { useState } from "react";

/**
 * New recovery codes, shown once: the API keeps only their digests. The
 * panel stays until the user says they are saved.
 */
export function RecoveryCodes({ codes, onSaved }: { codes: string[]; onSaved: () => void }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(codes.join("\n") + "\n");
      setCopied(true);
    } catch {
      // No clipboard (permissions, an old browser): the codes are on screen to write down.
    }
  }
  return (
    <div className="codes-panel" role="region" aria-label="New recovery codes">
      <p>
        <strong>Save these recovery codes now.</strong> If you cannot use your authenticator app or passkey, each
        one signs you in once. They are shown only this once.
      </p>
      <ol className="codes" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="actions">
        <button type="button" className="button" onClick={onSaved}>
          I have saved these codes
        </button>
        <button type="button" className="button secondary" onClick={copy}>
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}
