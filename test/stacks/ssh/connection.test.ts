/**
 * stacks/ssh/connection.ts (and channel.ts): output cut to the client's maximum packet and held
 * until its window opens (RFC 4254 5.2), env refused, other channel types refused (5.1), a pty
 * shell session with echo, prompt and Ctrl-D, an exec without pty.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { hostKey, parseAuthorizedKeys } from "../../../stacks/ssh/keys.ts";
import { shellHandler } from "../../../stacks/ssh/shell.ts";
import { TestClient, Reader, byte, clientKey, sessionOutput, str, u32 } from "../../support/ssh-client.ts";

const key = clientKey();

function session(window: number, maxPacket: number): { c: TestClient; ch: number } {
  const c = new TestClient({
    hostKey: hostKey(new Uint8Array(32).fill(2)),
    authorizedKeys: parseAuthorizedKeys(key.line),
    handler: shellHandler({ run: (line, print) => (line === "big" ? (print("x".repeat(999)), 0) : (print(`got ${line}`), 0)) }, { prompt: "$ ", banner: "welcome" }),
  });
  c.handshake();
  c.login(key);
  return { c, ch: c.openSession(window, maxPacket) };
}

test("output is cut to the client's maximum packet and waits for its window", () => {
  const { c, ch } = session(300, 100);
  const first = c.request(ch, "exec", true, str("big"));
  const data = first.filter((p) => p[0] === 94).map((p) => new Reader(p).bytes(p.length).subarray(9).length);
  assert.ok(data.every((n) => n <= 100), `packets of ${data}`);
  assert.is(data.reduce((a, b) => a + b, 0), 300, "no more than the window");
  assert.is(sessionOutput(first).exitStatus, null, "exit-status waits for the output");
  c.send(Buffer.concat([byte(93), u32(ch), u32(10000)]));
  const rest = sessionOutput(c.pump());
  assert.is(rest.data.length, 1000 - 300);
  assert.is(rest.exitStatus, 0);
});

test("env is refused, other channel types too", () => {
  const { c, ch } = session(1 << 20, 32768);
  assert.is(c.request(ch, "env", true, str("LANG"), str("C"))[0][0], 100);
  c.send(Buffer.concat([byte(90), str("direct-tcpip"), u32(8), u32(1000), u32(1000), str("h"), u32(1), str("o"), u32(2)]));
  const [fail] = c.pump();
  assert.is(fail[0], 92);
  assert.is(fail.readUInt32BE(5), 3, "SSH_OPEN_UNKNOWN_CHANNEL_TYPE");
});

test("a pty shell: banner, prompt, echo with CR LF, a command's output, Ctrl-D leaves with status 0", () => {
  const { c, ch } = session(1 << 20, 32768);
  const pty = Buffer.concat([str("xterm"), u32(80), u32(24), u32(0), u32(0), str(Buffer.from([0]))]);
  assert.is(c.request(ch, "pty-req", true, pty)[0][0], 99);
  assert.is(sessionOutput(c.request(ch, "shell", true)).data, "welcome\r\n$ ");
  c.send(Buffer.concat([byte(98), u32(ch), str("window-change"), byte(0), u32(100), u32(30), u32(0), u32(0)]));
  c.send(Buffer.concat([byte(94), u32(ch), str("hi\r")]));
  assert.is(sessionOutput(c.pump()).data, "hi\r\ngot hi\r\n$ ");
  c.send(Buffer.concat([byte(94), u32(ch), str("\x04")]));
  const end = sessionOutput(c.pump());
  assert.is(end.exitStatus, 0);
  assert.ok(end.closed);
});

test("a shell without pty reads lines without echo and ends at EOF", () => {
  const { c, ch } = session(1 << 20, 32768);
  c.request(ch, "shell", false);
  c.pump();
  c.send(Buffer.concat([byte(94), u32(ch), str("a\nb\n")]));
  assert.is(sessionOutput(c.pump()).data, "got a\n$ got b\n$ ");
  c.send(Buffer.concat([byte(96), u32(ch)]));
  assert.is(sessionOutput(c.pump()).exitStatus, 0);
});

test("an exception from the app's handler or its onData ends that session with status 1, not the connection", () => {
  const c = new TestClient({
    hostKey: hostKey(new Uint8Array(32).fill(2)),
    authorizedKeys: parseAuthorizedKeys(key.line),
    handler: {
      exec: () => {
        throw new Error("no such thing");
      },
      shell: (s) => {
        s.onData = () => {
          throw new TypeError("bad input");
        };
      },
    },
  });
  c.handshake();
  c.login(key);
  const a = c.openSession();
  const out = c.request(a, "exec", true, str("x"));
  assert.is(sessionOutput(out).exitStatus, 1);
  assert.ok(out.some((p) => p[0] === 95 && p.includes(Buffer.from("no such thing"))), "the message on stderr");
  c.send(Buffer.concat([byte(97), u32(a)]));
  c.pump();
  const b = c.openSession();
  c.request(b, "shell", true);
  c.send(Buffer.concat([byte(94), u32(b), str("x")]));
  assert.is(sessionOutput(c.pump()).exitStatus, 1);
  assert.is(c.ended, null, "the connection goes on");
});

test.run();
