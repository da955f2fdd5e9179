/** io/ssh/options.ts: serveSsh's options checked, naming the option; keys parsed; the handler chosen. */
import { generateKeyPairSync } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkSshOptions } from "../../../io/ssh/options.ts";
import { clientKey } from "../../support/ssh-client.ts";

const hostKey = generateKeyPairSync("ed25519").privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
const authorizedKeys = clientKey().line;
const commands = { hi: { usage: "hi", help: "say hi", run: () => 0 } };

test("good options: defaults filled in, the keys parsed", () => {
  const o = checkSshOptions({ hostKey, authorizedKeys, commands });
  assert.is(o.port, 22);
  assert.is(o.maxConnections, 4);
  assert.is(o.authorizedKeys.length, 1);
  assert.type(o.handler.shell, "function");
});

for (const [name, options, error, pattern] of [
  ["not an object", null, TypeError, /options must be an object/],
  ["an unknown option", { hostKey, authorizedKeys, commands, password: "x" }, TypeError, /unknown option "password"/],
  ["a port out of range", { port: 70000, hostKey, authorizedKeys, commands }, RangeError, /port must be an integer 1\.\.65535/],
  ["a string port", { port: "22", hostKey, authorizedKeys, commands }, TypeError, /port must be a number/],
  ["no host key", { authorizedKeys, commands }, TypeError, /hostKey is required/],
  ["a broken host key", { hostKey: "AAAA", authorizedKeys, commands }, TypeError, /not a PKCS#8 Ed25519/],
  ["no authorized key", { hostKey, authorizedKeys: "# none\n", commands }, RangeError, /nobody could log in/],
  ["an RSA authorized key", { hostKey, authorizedKeys: "ssh-rsa AAAA x", commands }, TypeError, /only ssh-ed25519/],
  ["both commands and session", { hostKey, authorizedKeys, commands, session: { exec() {} } }, TypeError, /exactly one of commands/],
  ["neither", { hostKey, authorizedKeys }, TypeError, /exactly one of commands/],
  ["a command without run", { hostKey, authorizedKeys, commands: { x: { usage: "x" } } }, TypeError, /commands must be an object of/],
  ["onLogin not a function", { hostKey, authorizedKeys, commands, onLogin: 1 }, TypeError, /onLogin must be a function/],
] as const) {
  test(`refused: ${name}`, () => {
    try {
      checkSshOptions(options);
      assert.unreachable("accepted");
    } catch (e) {
      assert.instance(e, error);
      assert.match((e as Error).message, pattern);
    }
  });
}

test.run();
