/** tools/lib/deploy-to.ts: --to URLs, and what is refused with a message. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseDeployTo } from "../../../tools/lib/deploy-to.ts";

test("http URLs: port 80 and path /update by default, the path given otherwise", () => {
  assert.equal(parseDeployTo("http://127.0.0.1:8080"), { kind: "http", host: "127.0.0.1", port: 8080, path: "/update", url: "http://127.0.0.1:8080" });
  assert.equal(parseDeployTo("http://dev.local/fw/app"), { kind: "http", host: "dev.local", port: 80, path: "/fw/app", url: "http://dev.local/fw/app" });
  assert.is((parseDeployTo("http://h:1/") as { path: string }).path, "/");
  assert.is(parseDeployTo("http://[::1]:81").host, "::1");
});

test("ssh URLs: the user is required, port 22 by default", () => {
  assert.equal(parseDeployTo("ssh://me@127.0.0.1:2222"), { kind: "ssh", user: "me", host: "127.0.0.1", port: 2222, url: "ssh://me@127.0.0.1:2222" });
  assert.is(parseDeployTo("ssh://me@dev").port, 22);
});

test("anything else is refused, saying what --to takes", () => {
  const cases: [string, RegExp][] = [
    ["127.0.0.1:80", /--to takes http:\/\/host:port\[\/path\] or ssh:\/\/user@host\[:port\]/],
    ["ftp://h/x", /unknown scheme ftp:/],
    ["https://h/update", /https is not taken yet/],
    ["http://u:p@h/update", /an http URL takes no user/],
    ["http://h/update?x=1", /no query or fragment/],
    ["ssh://h:22", /give the user, ssh:\/\/user@host:port/],
    ["ssh://u:pw@h", /no password in the URL/],
    ["ssh://u@h/path", /an ssh URL has no path/],
  ];
  for (const [text, why] of cases) assert.throws(() => parseDeployTo(text), why, text);
});

test.run();
