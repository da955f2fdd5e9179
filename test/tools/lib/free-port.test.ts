import { test } from "uvu";
import * as assert from "uvu/assert";
import net from "node:net";
import { freePort } from "../../../tools/lib/free-port.ts";

test("freePort gives a port of 127.0.0.1 that can be listened on at once", async () => {
  const port = await freePort();
  assert.ok(Number.isInteger(port) && port > 0 && port < 65536, String(port));
  const s = net.createServer();
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.listen(port, "127.0.0.1", resolve);
  });
  await new Promise<void>((resolve) => s.close(() => resolve()));
});

test.run();
