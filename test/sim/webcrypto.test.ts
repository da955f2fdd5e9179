/**
 * crypto.subtle, randomUUID and seed under npm run sim: the same bundles as on the target (the
 * prelude in unit "main", the unit "webcrypto"), so the same checks against Node's Web Crypto
 * pass, and sifive_u's missing random source refuses key generation there too.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { runSim } from "../../tools/sim/run.ts";
import { repoPath } from "../../tools/lib/paths.ts";
import { verifiedByNode, webCryptoVectors } from "../support/webcrypto-vectors.ts";

const test = suite("Web Crypto under the simulator");

test("pizero: every algorithm agrees with Node's Web Crypto, both ways", async () => {
  const vectors = await webCryptoVectors();
  const r = await runSim({ board: "pizero", app: repoPath("test/fixtures/webcrypto.ts"), timeoutS: 120, defines: { WEBCRYPTO_VECTORS: JSON.stringify(vectors) }, onOutput: () => {} });
  assert.is(r.code, 0, r.output);
  assert.match(r.output, /webcrypto: all checks passed\n/);
  assert.equal(await verifiedByNode(r.output, vectors.msg), ["Ed25519", "ECDSA"], r.output);
});

test("sifive_u: key generation refuses until crypto.seed()", async () => {
  const r = await runSim({ board: "sifive_u", app: repoPath("test/fixtures/webcrypto-no-entropy.ts"), timeoutS: 120, onOutput: () => {} });
  assert.is(r.code, 0, r.output);
  assert.match(r.output, /^generateKey: OperationError: generateKey\(Ed25519\): the random generator has no entropy/m);
  assert.match(r.output, /^after seed: Ed25519 private sign, uuid [0-9a-f-]{36}\n/m);
});

test.run();
