import { suite } from "uvu";
import * as assert from "uvu/assert";
import { build, fixture } from "./boot.ts";
import { runQemu } from "../../tools/lib/qemu.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";
import type { Firmware } from "../../tools/lib/build.ts";
import { expectPingAndEcho } from "../support/net-boot.ts";

// The i.MX6UL family's network device (soc/imx6ul/network-unit.ts: drivers/net/imx-enet.ts on
// the ENET board.json's config.enet names) under QEMU's user-mode networking, as `npm run qemu --
// --forward` attaches it to mcimx6ul-evk's ENET1 (boards/mx6ullevk/board.json qemu.network):
// stacks/net pings slirp's gateway, and a host client reaches the firmware's TCP echo through a
// forwarded port. slirp accepts the host's connect at once, before the guest has answered: only
// bytes coming back prove the path.
const test = suite("network on mx6ullevk and usbarmory-mk2-lan");
let fw: Firmware;

test.before(async () => {
  fw = await build(fixture("net/echo-without-rng.ts"), { board: "mx6ullevk" });
});

test("the firmware pings slirp's gateway and echoes a host client's bytes through --forward", () =>
  // No fuses under QEMU: the locally administered address made from the (zero) unique ID, port 1.
  expectPingAndEcho(fw, /^nic 02:00:00:00:00:01 mtu 1500 link up\n/));

test("usbarmory-mk2-lan: ENET2 on slirp, its PHY found at QEMU's address 1 (board.json says 0) and logged; ping and TCP echo", async () => {
  // QEMU gives the first -net nic to ENET1 and the second to ENET2 (boards/usbarmory-mk2-lan/board.json
  // qemu.network): bytes echoed prove the firmware's ENET2 is the one joined to the forwarded slirp.
  const lan = await build(fixture("net/echo-without-rng.ts"), { board: "usbarmory-mk2-lan" });
  await expectPingAndEcho(
    lan,
    /^ENET2: no PHY at MDIO address 0 \(boards\/usbarmory-mk2-lan\/board\.json config\.enetPhy\); using the PHY at 1 \(identifier 0x0007c0d1\)\nnic 02:00:00:00:00:02 mtu 1500 link up\n/,
  );
});

test("usbarmory-mk2 (an i.MX6ULZ, no ENET): board().network() is a clear error, exit 1", async () => {
  const mk2 = await build(fixture("net/echo-without-rng.ts"), { board: "usbarmory-mk2" });
  const r = await runQemu({ board: mk2.board, elf: mk2.elf, timeoutS: 60, input: "", mapLine: loadLineMapper(mk2.bundles), onOutput: () => {} });
  assert.match(r.output, /Error: board "usbarmory-mk2": no network device \(boards\/usbarmory-mk2\/board\.json names no ENET: this board has no Ethernet\)/);
  assert.is(r.code, 1);
});

test.run();
