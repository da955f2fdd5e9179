/**
 * Blink: the board's LED toggled by a timer through ECMA-419 Digital (board().openDigital), its
 * state printed at each toggle. Ten toggles at 250 ms, then the pin is closed and, with nothing
 * left to do, the firmware exits 0. The LED of each board is its page's pin map (docs/boards/).
 */
import { board, Digital } from "tsmetal";
import { mmio } from "hal";

interface Led {
  readonly name: string;
  /** The Digital pin number (i.MX: 32 * (n - 1) + m for GPIOn_IOm). */
  readonly pin: number;
  /** The LED lights when the pin is low. */
  readonly activeLow: boolean;
  /** The IOMUXC pad mux register to set to ALT5 (GPIO) first, on boards whose pad needs it. */
  readonly padMux?: number;
}

const leds: Readonly<Record<string, Led>> = {
  pizero: { name: "ACT", pin: 47, activeLow: true },
  pi1: { name: "ACT", pin: 47, activeLow: false },
  pi2: { name: "ACT", pin: 47, activeLow: false },
  // White LED: pad CSI_DATA00, GPIO4_IO21 (IOMUXC_SW_MUX_CTL_PAD_CSI_DATA00, i.MX6ULL RM 32.6).
  "usbarmory-mk2": { name: "white", pin: 117, activeLow: true, padMux: 0x020e01e4 },
  "usbarmory-mk2-lan": { name: "white", pin: 117, activeLow: true, padMux: 0x020e01e4 },
};

const TOGGLES = 10;
const PERIOD_MS = 250;

const services = board();
const led = leds[services.name];
if (!led || !services.openDigital) throw new Error(`blink: ${services.name} has no LED this example knows (docs/boards/${services.name}.md)`);
// The GPIO driver does not touch the pad mux: on hardware the pad must be GPIO (ALT5) first.
if (led.padMux !== undefined) mmio.write32(led.padMux, 5);

const pin = services.openDigital({ pin: led.pin, mode: Digital.Output });
let lit = false;
let toggles = 0;
console.log(`blink: ${led.name} LED on pin ${led.pin} of ${services.name}, every ${PERIOD_MS} ms`);
const timer = setInterval(() => {
  lit = !lit;
  pin.write(lit !== led.activeLow ? 1 : 0);
  console.log(`${led.name} ${lit ? "on" : "off"} (pin ${led.pin} = ${pin.read()})`);
  if (++toggles === TOGGLES) {
    clearInterval(timer);
    pin.close();
    console.log("blink: done");
  }
}, PERIOD_MS);
