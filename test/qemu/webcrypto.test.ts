/**
 * crypto.subtle and randomUUID on the target (runtime/web/crypto/, the unit "webcrypto"): every
 * algorithm against vectors Node computed this run, signatures of keys generated on the board
 * verified by Node; on sifive_u, which has no random source, key generation refuses until the app
 * seeds the generator.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { boot, build, bootFirmware, fixture } from "./boot.ts";
import { verifiedByNode, webCryptoVectors } from "../support/webcrypto-vectors.ts";

const test = suite("Web Crypto on the target");

for (const board of ["microvm", "pizero"]) {
  test(`${board}: every algorithm agrees with Node's Web Crypto, both ways`, async () => {
    const vectors = await webCryptoVectors();
    const fw = await build(fixture("webcrypto.ts"), { board, defines: { WEBCRYPTO_VECTORS: JSON.stringify(vectors) } });
    assert.ok(fw.bundles.some((b) => b.unit === "webcrypto"), "the image has the unit webcrypto");
    const r = await bootFirmware(fw, { timeoutS: 240 });
    assert.is(r.code, 0, r.output);
    assert.match(r.output, /webcrypto: all checks passed\n/);
    assert.equal(await verifiedByNode(r.output, vectors.msg), ["Ed25519", "ECDSA"], r.output);
  });
}

test("sifive_u: no random source, so key generation refuses until crypto.seed()", async () => {
  const r = await boot(fixture("webcrypto-no-entropy.ts"), { board: "sifive_u", timeoutS: 120 });
  assert.is(r.code, 0, r.output);
  assert.match(r.output, /^digest without entropy: ok\n/m);
  const refusal = (what: string) => new RegExp(`^${what}: the random generator has no entropy \\(crypto\\.getRandomValues: this board has no random number source\\); call crypto\\.seed\\(bytes\\) first with at least 32 bytes of secret entropy \\(docs/security\\.md\\)$`, "m");
  assert.match(r.output, refusal("generateKey: OperationError: generateKey\\(Ed25519\\)"));
  assert.match(r.output, refusal("randomUUID: OperationError: crypto\\.randomUUID"));
  assert.match(r.output, /^seed of 16 bytes: RangeError: crypto\.seed: at least 32 bytes of secret entropy are needed, not 16\n/m);
  assert.match(r.output, /^after seed: Ed25519 private sign, uuid [0-9a-f-]{36}\n/m);
});

test("a firmware that does not use crypto.subtle carries no webcrypto unit", async () => {
  const fw = await build(fixture("exit-code.ts"), { board: "microvm" });
  assert.equal(fw.bundles.filter((b) => ["webcrypto"].includes(b.unit)), []);
});

test.run();
