/**
 * The TCP figures of `npm run bench` (tools/lib/net-bench.ts drives it from the host through
 * slirp port forwards): stacks/net over board().network(), configured as slirp's first DHCP
 * lease would be (10.0.2.15/24), with
 *   port 80  a sink: reads and drops everything until the host's FIN, then closes;
 *   port 81  a source: reads one line, a decimal byte count N, sends N bytes and closes.
 * The host makes four connections in turn (an empty upload, a full one, a download of 0 bytes,
 * a full one); each one's establishment and close call performance.now(), whose executions the
 * bench counts: a full connection minus its empty twin is the cost of the bytes alone, as the
 * handshakes, the request line and the closes cancel. performance.now() must not be called
 * anywhere else in this app. After the fourth close the firmware prints the stack's counters
 * (retransmissions would show there) and exits 0, and QEMU with it, so the plugin writes its count.
 * The stack's clock counts from boot and its random numbers are a fixed sequence (fixed-random.ts
 * says why), never crypto's (i.MX6UL's CAAM and sifive_u have no random source under QEMU).
 */
import { board } from "tsmetal";
import { cpu } from "hal";
import { NetStack } from "../../stacks/net/stack.ts";
import type { TcpConnection } from "../../stacks/net/tcp/connection.ts";
import { fixedRandom } from "./fixed-random.ts";

const CONNECTIONS = 4;
/** The longest request line: a byte count of up to 10 digits and "\n". */
const MAX_REQUEST = 11;

const bootMs = Date.now();
const net = new NetStack({
  nic: board().network!(),
  clock: { now: () => Date.now() - bootMs },
  timers: { set: (ms, cb) => setTimeout(cb, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
  random: fixedRandom,
  ipv4: { address: "10.0.2.15", netmask: "255.255.255.0", gateway: "10.0.2.2" },
});

// Filled once, before any mark: the source writes slices of it.
const chunk = new Uint8Array(16 * 1024);
for (let i = 0; i < chunk.length; i++) chunk[i] = i & 0xff;

let closed = 0;

/** Marks the connection and its close; `onData` gets what arrives, a source sets `done` once it has sent all. */
function marked(c: TcpConnection, kind: string, onData: (data: Uint8Array) => void): { bytes: number; done: boolean } {
  performance.now();
  const state = { bytes: 0, done: kind === "sink" };
  c.events = {
    onReadable: () => onData(c.read()),
    // A source closes when it has sent all; the host only ends its side after that.
    onEnd: () => {
      if (state.done) c.close();
    },
    onClose: (reason) => {
      performance.now();
      console.log(`bench-net ${kind} ${reason} ${state.bytes}`);
      if (++closed < CONNECTIONS) return;
      console.log(`bench-net counters ${JSON.stringify(net.counters.snapshot())}`);
      cpu.exit(0);
    },
  };
  return state;
}

function sink(c: TcpConnection): void {
  const state = marked(c, "sink", (data) => (state.bytes += data.length));
}

/** Writes `total` bytes of `chunk` as the send buffer takes them, then closes. */
function send(c: TcpConnection, state: { bytes: number; done: boolean }, total: number): void {
  let left = total;
  const fill = () => {
    while (left > 0) {
      const n = c.write(chunk.subarray(0, Math.min(left, chunk.length)));
      if (n === 0) return;
      left -= n;
      state.bytes += n;
    }
    c.events.onWritable = undefined;
    state.done = true;
    c.close();
  };
  c.events.onWritable = fill;
  fill();
}

function source(c: TcpConnection): void {
  let line = "";
  const state = marked(c, "source", (data) => {
    if (line.endsWith("\n")) return; // the request is in; anything more is ignored
    line += String.fromCharCode(...data);
    const m = /^(\d{1,10})\n$/.exec(line);
    if (m) return send(c, state, Number(m[1]));
    if (line.length >= MAX_REQUEST || line.includes("\n")) {
      console.log(`bench-net bad request ${JSON.stringify(line)}: want a byte count and a newline`);
      c.abort();
    }
  });
}

net.tcpListen({ port: 80, onConnection: sink });
net.tcpListen({ port: 81, onConnection: source });
// A ping first, so that ARP has both addresses before the first mark.
net.ping("10.0.2.2").then(() => console.log("bench-net listening"));
