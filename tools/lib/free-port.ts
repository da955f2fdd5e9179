/** Host ports for the QEMU forwards of the network tests and benches. */
import net from "node:net";

/** A TCP port on 127.0.0.1 that nothing uses now (bound, read, released: free when asked). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
