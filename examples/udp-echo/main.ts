/**
 * UDP echo (RFC 862) on port 7 of the board's network (configured by DHCP): every datagram goes
 * back to the address and port it came from, unchanged. An ECMA-419 UDP socket (2nd edition,
 * "UDP"): onReadable(count) says how many datagrams wait; each read() is one, an ArrayBuffer with
 * the sender's `address` and `port`. Prints "udp-echo on <address>:7" once it answers. Under QEMU:
 * `npm run qemu -- --board microvm --app examples/udp-echo/main.ts --forward udp:7007:7` (README.md).
 */
import { network, UDP } from "tsmetal";
import { cpu } from "hal";

network()
  .then((net) => {
    let echoed = 0;
    new UDP({
      port: 7,
      // ECMA-419 calls back with `this` the socket.
      onReadable(count) {
        for (let i = 0; i < count; i++) {
          const packet = this.read();
          if (packet === undefined) break;
          this.write(packet, packet.address, packet.port);
          echoed++;
        }
      },
      onError(error) {
        console.error(`udp-echo: socket failed after ${echoed} datagrams:`, error);
        cpu.exit(1);
      },
    });
    console.log(`udp-echo on ${net.address}:7`);
  })
  .catch((error: unknown) => {
    console.error("udp-echo:", error);
    cpu.exit(1);
  });
