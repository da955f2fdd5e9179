/**
 * A DNS server for tests (RFC 1035 section 4.1): on a UDP port of 127.0.0.1, it answers each
 * A/IN question for a name it holds with one A record, and NXDOMAIN for any other name. Enough
 * for a firmware's stub resolver under QEMU, where slirp's 10.0.2.2 is the host's 127.0.0.1; it
 * makes name resolution deterministic on a machine without internet.
 */
import dgram from "node:dgram";

export interface DnsServer {
  readonly port: number;
  /** The names asked, in order, lower-case. */
  readonly asked: string[];
  close(): Promise<void>;
}

/** Starts a server answering `records` (name → dotted quad). */
export function startDnsServer(records: Readonly<Record<string, string>>): Promise<DnsServer> {
  const socket = dgram.createSocket("udp4");
  const asked: string[] = [];
  socket.on("message", (msg, from) => {
    const q = readQuestion(msg);
    if (q === undefined) return;
    asked.push(q.name);
    const address = q.type === 1 ? records[q.name] : undefined;
    // Header: the query's ID, QR=1, the query's RD, RA=1, RCODE 0 or 3 (NXDOMAIN); one question echoed.
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    header[2] = 0x80 | (msg[2] & 0x01);
    header[3] = 0x80 | (address === undefined ? 3 : 0);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(address === undefined ? 0 : 1, 6);
    const question = msg.subarray(12, q.end);
    // The answer names the question by a compression pointer to offset 12; TTL 60 s.
    const answer = address === undefined ? Buffer.alloc(0) : Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...address.split(".").map(Number)]);
    socket.send(Buffer.concat([header, question, answer]), from.port, from.address);
  });
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      resolve({ port: socket.address().port, asked, close: () => new Promise((r) => socket.close(() => r())) });
    });
  });
}

/** The question of a standard query with one, or undefined for anything else. */
function readQuestion(msg: Buffer): { name: string; type: number; end: number } | undefined {
  if (msg.length < 12 || msg[2] & 0x80 || msg.readUInt16BE(4) !== 1) return undefined;
  const labels: string[] = [];
  let i = 12;
  while (i < msg.length && msg[i] !== 0) {
    const n = msg[i];
    if (n > 63 || i + 1 + n > msg.length) return undefined;
    labels.push(msg.toString("latin1", i + 1, i + 1 + n).toLowerCase());
    i += 1 + n;
  }
  if (i + 5 > msg.length) return undefined;
  return { name: labels.join("."), type: msg.readUInt16BE(i + 1), end: i + 5 };
}
