// The e2e's mail reader (e2e/mail.mjs): RFC 5322 messages as Django sends them
// and aiosmtpd's Mailbox handler stores them.
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { linkIn, mailsTo, parseMessage, waitForMail } from "../e2e/mail.mjs";

const message = (headers, body) => Buffer.concat([Buffer.from(`${headers.join("\r\n")}\r\n\r\n`), Buffer.from(body)]);

test("an 8bit UTF-8 body and an encoded subject are decoded; recipients come from X-RcptTo", () => {
  const raw = message(
    [
      'Content-Type: text/plain; charset="utf-8"',
      "Content-Transfer-Encoding: 8bit",
      "Subject: =?utf-8?b?w5xuw69jb2Rl?= =?utf-8?q?_subject?=",
      "To: Some One <Some.One@Example.com>",
      "X-RcptTo: Some.One@Example.com, other@example.com",
    ],
    "Hello Jöhn,\r\n\r\nbye",
  );
  const parsed = parseMessage(raw);
  assert.equal(parsed.subject, "Ünïcode subject");
  assert.deepEqual(parsed.recipients, ["some.one@example.com", "other@example.com"]);
  assert.equal(parsed.text, "Hello Jöhn,\n\nbye");
});

test("quoted-printable: soft line breaks joined, =XX bytes decoded as the charset", () => {
  const raw = message(
    ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "Subject: Reset", "To: a@example.com"],
    "Caf=C3=A9: http://127.0.0.1:3010/reset-password?uid=3DMQ&token=3Dabc-=\r\n123\r\n",
  );
  const parsed = parseMessage(raw);
  assert.equal(parsed.text, "Café: http://127.0.0.1:3010/reset-password?uid=MQ&token=abc-123\n");
  assert.deepEqual(parsed.recipients, ["a@example.com"]);
  assert.equal(linkIn(parsed, "/reset-password").searchParams.get("token"), "abc-123");
});

test("base64 and multipart/alternative: the text/plain part is read", () => {
  const text = Buffer.from("Open http://x.test/verify-email?key=k1 now").toString("base64");
  const raw = message(
    ['Content-Type: multipart/alternative; boundary="XYZ"', "Subject: Verify", "To: a@example.com"],
    [
      "--XYZ",
      "Content-Type: text/html",
      "",
      "<p>html</p>",
      "--XYZ",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: base64",
      "",
      text,
      "--XYZ--",
      "",
    ].join("\r\n"),
  );
  assert.equal(linkIn(parseMessage(raw), "/verify-email").searchParams.get("key"), "k1");
});

test("a Maildir is read in delivery order, per recipient, and waiting is bounded", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "maildir-"));
  try {
    mkdirSync(path.join(dir, "new"));
    const mail = (subject, to) => message([`Subject: ${subject}`, `To: ${to}`], "body");
    // Names as Python's mailbox.Maildir makes them: <seconds>.M<microseconds>P<pid>Q<count>.<host>
    writeFileSync(path.join(dir, "new", "1700000001.M5P9Q3.host"), mail("third", "a@example.com"));
    writeFileSync(path.join(dir, "new", "1700000000.M999999P9Q2.host"), mail("second", "a@example.com"));
    writeFileSync(path.join(dir, "new", "1700000000.M12P9Q1.host"), mail("first", "A@example.com"));
    writeFileSync(path.join(dir, "new", "1700000000.M13P9Q1.host"), mail("elsewhere", "b@example.com"));
    assert.deepEqual((await mailsTo("a@example.com", dir)).map((m) => m.subject), ["first", "second", "third"]);
    assert.equal((await waitForMail("a@example.com", { subject: "d", count: 2, maildir: dir })).subject, "third");
    await assert.rejects(
      waitForMail("a@example.com", { count: 4, timeoutMs: 150, maildir: dir }),
      /no mail #4 "" to a@example.com within 150 ms/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
