/**
 * The default network of tools/bench/net-http.ts, made before examples/http-server asks for it
 * (a later network() without options returns this one): DHCP as the example's own would, but
 * with fixed random numbers and, for the network's clock (io/net/unit.ts reads Date.now()),
 * milliseconds from boot. Together they keep the TCP sequence numbers below 2^31
 * (fixed-random.ts says why that matters). Not crypto's numbers also because QEMU's i.MX6UL polls
 * its unmodelled CAAM for 2 s of wall time before the network falls back to Math.random
 * (soc/imx6ul/services.ts), and wall time must not enter a guest instruction count.
 */
import { network } from "tsmetal";
import { fixedRandom } from "./fixed-random.ts";

const wallNow = Date.now.bind(Date);
const bootMs = wallNow();
Date.now = () => wallNow() - bootMs;

void network({ random: fixedRandom });
