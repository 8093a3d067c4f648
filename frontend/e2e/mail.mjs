// The mail the API sent, read from the Maildir that the e2e's SMTP server
// writes (aiosmtpd's Mailbox handler, started by .ci/frontend-e2e.sh; its
// path in E2E_MAILDIR). Plain RFC 5322 parsing, Node built-ins only.
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";

export const MAILDIR = process.env.E2E_MAILDIR;

/** Decode RFC 2047 encoded words (=?utf-8?q?…?= and =?utf-8?b?…?=) in a header value. */
export function decodeWords(value) {
  return value
    .replace(/\?=\s+=\?/g, "?==?") // whitespace between two encoded words is not text
    .replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=/gi, (_, charset, encoding, text) => {
      const bytes =
        encoding.toLowerCase() === "b"
          ? Buffer.from(text, "base64")
          : qpBytes(text.replace(/_/g, " "));
      return new TextDecoder(charset).decode(bytes);
    });
}

/** The bytes of a quoted-printable text (soft line breaks removed). */
function qpBytes(text) {
  const plain = text.replace(/=\r?\n/g, "");
  const bytes = [];
  for (let i = 0; i < plain.length; i++) {
    const hex = plain[i] === "=" ? plain.slice(i + 1, i + 3) : "";
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(plain.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** Header fields (lower-cased names, unfolded, decoded) and the raw body of one entity, as latin1 text. */
function splitEntity(raw) {
  const match = /\r?\n\r?\n/.exec(raw);
  const head = match ? raw.slice(0, match.index) : raw;
  const body = match ? raw.slice(match.index + match[0].length) : "";
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    (headers[name] ??= []).push(decodeWords(Buffer.from(line.slice(colon + 1).trim(), "latin1").toString("utf8")));
  }
  return { headers, body };
}

/** A parameter of a header value, e.g. param("text/plain; charset=utf-8", "charset"). */
function param(value, name) {
  return new RegExp(`;\\s*${name}="?([^";]+)"?`, "i").exec(value ?? "")?.[1];
}

/** The text of the first text/plain part of an entity (raw latin1 text in, Unicode out). */
function textOf({ headers, body }) {
  const type = headers["content-type"]?.[0] ?? "text/plain";
  if (/^multipart\//i.test(type)) {
    const boundary = param(type, "boundary");
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith("--")) break;
      const text = textOf(splitEntity(part.replace(/^\r?\n/, "")));
      if (text !== undefined) return text;
    }
    return undefined;
  }
  if (!/^text\/plain/i.test(type)) return undefined;
  const encoding = (headers["content-transfer-encoding"]?.[0] ?? "7bit").toLowerCase();
  const bytes =
    encoding === "quoted-printable" ? qpBytes(body)
    : encoding === "base64" ? Buffer.from(body.replace(/\s+/g, ""), "base64")
    : Buffer.from(body, "latin1");
  return new TextDecoder(param(type, "charset") ?? "utf-8").decode(bytes);
}

/**
 * Parse one RFC 5322 message: { subject, to, recipients, text, headers }.
 * `recipients` are the envelope's (X-RcptTo, which aiosmtpd adds), else To.
 */
export function parseMessage(raw) {
  const entity = splitEntity(Buffer.isBuffer(raw) ? raw.toString("latin1") : Buffer.from(raw, "utf8").toString("latin1"));
  const { headers } = entity;
  const addresses = (values) =>
    (values ?? []).flatMap((v) => v.split(",")).map((a) => (/<([^>]+)>/.exec(a)?.[1] ?? a).trim().toLowerCase()).filter(Boolean);
  const recipients = addresses(headers["x-rcptto"]).length ? addresses(headers["x-rcptto"]) : addresses(headers.to);
  return {
    subject: headers.subject?.[0] ?? "",
    to: headers.to?.[0] ?? "",
    recipients,
    text: (textOf(entity) ?? "").replace(/\r\n/g, "\n"),
    headers,
  };
}

/** Maildir file names start with the delivery time: "<seconds>.M<microseconds>P<pid>Q<count>.<host>". */
function deliveryOrder(name) {
  const [, seconds = "0", micros = "0", count = "0"] = /^(\d+)\.M(\d+)P\d+Q(\d+)/.exec(name) ?? [];
  return [Number(seconds), Number(micros), Number(count)];
}

/** Every message delivered to `address` so far, oldest first. */
export async function mailsTo(address, maildir = MAILDIR) {
  if (!maildir) throw new Error("E2E_MAILDIR is not set: run the API with an SMTP sink (see .ci/frontend-e2e.sh)");
  const files = [];
  for (const folder of ["new", "cur"]) {
    const dir = path.join(maildir, folder);
    const names = await readdir(dir).catch((error) => (error.code === "ENOENT" ? [] : Promise.reject(error)));
    files.push(...names.filter((n) => !n.startsWith(".")).map((name) => ({ name, file: path.join(dir, name) })));
  }
  files.sort((a, b) => {
    const [x, y] = [deliveryOrder(a.name), deliveryOrder(b.name)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || a.name.localeCompare(b.name);
  });
  const wanted = address.toLowerCase();
  const messages = [];
  for (const { file } of files) {
    const message = parseMessage(await readFile(file));
    if (message.recipients.includes(wanted)) messages.push(message);
  }
  return messages;
}

/**
 * Wait (polling, bounded) until `address` has received `count` messages whose
 * subject contains `subject`, and return the last of them.
 */
export async function waitForMail(address, { subject = "", count = 1, timeoutMs = 10_000, maildir = MAILDIR } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await mailsTo(address, maildir);
    const matching = all.filter((m) => m.subject.includes(subject));
    if (matching.length >= count) return matching[count - 1];
    if (Date.now() > deadline) {
      const seen = all.map((m) => JSON.stringify(m.subject)).join(", ") || "none";
      throw new Error(`no mail #${count} "${subject}" to ${address} within ${timeoutMs} ms (it has: ${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The first link in a message's text that points at `pathname` (e.g. "/verify-email"). */
export function linkIn(message, pathname) {
  for (const [candidate] of message.text.matchAll(/https?:\/\/[^\s<>"]+/g)) {
    const url = new URL(candidate);
    if (url.pathname === pathname) return url;
  }
  throw new Error(`no ${pathname} link in "${message.subject}":\n${message.text}`);
}
