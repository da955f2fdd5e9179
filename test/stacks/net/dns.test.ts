/**
 * The DNS stub resolver (stacks/net/dns/resolver.ts, stacks/net/dns/message.ts,
 * stacks/net/dns/cache.ts) frame by frame: the query compared byte for byte with RFC 1035's
 * layout, responses built here field by field (section 4.1), retries on the fake clock, the
 * cache's bounds, and hostile answers (compression loops, pointers out of range, other IDs).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseIpv4 } from "../../../stacks/net/address.ts";
import { DnsError, DnsResolver, type DnsResolverOptions } from "../../../stacks/net/dns/resolver.ts";
import { addressOf, readAnswers, readName } from "../../../stacks/net/dns/message.ts";
import { ethernet, garbage, ip, ipv4, mac, toHex, u16, u32, udp } from "../../support/net/frames.ts";
import { HOST_IP, HOST_MAC, makeHost, sentDatagrams, type Host, type SentDatagram } from "../../support/net/host.ts";

const DNS1 = "10.0.2.3";
const DNS2 = "10.0.2.4";
const SERVER_MAC: Record<string, string> = { [DNS1]: "52:55:0a:00:02:03", [DNS2]: "52:55:0a:00:02:04" };


interface HeaderFields {
  id: number;
  qr?: number;
  opcode?: number;
  tc?: number;
  rcode?: number;
  qd?: number;
  an: number;
}

/** RFC 1035 section 4.1.1: ID, QR|Opcode|AA|TC|RD, RA|Z|RCODE, QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT. */
function header(f: HeaderFields): number[] {
  const rd = 1;
  const ra = 1;
  return [...u16(f.id), ((f.qr ?? 1) << 7) | ((f.opcode ?? 0) << 3) | ((f.tc ?? 0) << 1) | rd, (ra << 7) | (f.rcode ?? 0), ...u16(f.qd ?? 1), ...u16(f.an), ...u16(0), ...u16(0)];
}

/** Section 3.1: length-prefixed labels, then the root's zero. */
function name(n: string): number[] {
  return [...n.split(".").flatMap((l) => [l.length, ...Array.from(l, (c) => c.charCodeAt(0))]), 0];
}

/** Section 4.1.4: a pointer is two bytes, 11 then a 14-bit offset from the message's start. */
const ptr = (offset: number) => [0xc0 | (offset >>> 8), offset & 255];
/** Section 4.1.2: QNAME, QTYPE A (1), QCLASS IN (1). */
const question = (n: string, type = 1) => [...name(n), ...u16(type), ...u16(1)];
/** Section 4.1.3: NAME, TYPE, CLASS IN, TTL, RDLENGTH, RDATA. */
const rr = (owner: number[], type: number, ttl: number, rdata: number[]) => [...owner, ...u16(type), ...u16(1), ...u32(ttl), ...u16(rdata.length), ...rdata];
const A = 1;
const CNAME = 5;
/** The question's name always sits at offset 12, right after the header. */
const QNAME = ptr(12);

interface Resolver {
  h: Host;
  dns: DnsResolver;
}

function setup(options: Partial<DnsResolverOptions> = {}): Resolver {
  const h = makeHost();
  for (const [a, m] of Object.entries(SERVER_MAC)) h.stack.arp.addStatic(parseIpv4(a), Uint8Array.from(mac(m)));
  return { h, dns: new DnsResolver(h.stack, { servers: [DNS1], ...options }) };
}

/** A query the host sent, with its ID read out. */
interface Query extends SentDatagram {
  id: number;
}

function queries(h: Host): Query[] {
  return sentDatagrams(h).map((d) => {
    assert.is(d.dstPort, 53);
    assert.is(d.src, HOST_IP);
    assert.is(d.dstMac, SERVER_MAC[d.dst]);
    const b = d.payload;
    return { ...d, id: (b[0] << 8) | b[1] };
  });
}

function oneQuery(h: Host): Query {
  const q = queries(h);
  assert.is(q.length, 1, `expected one query, got ${q.length}`);
  return q[0];
}

/** A response datagram from `from`:53 to the query's port. */
function answer(h: Host, q: Query, payload: number[], o: { from?: string; srcPort?: number } = {}): void {
  const src = o.from ?? q.dst;
  h.nic.deliver(ethernet(HOST_MAC, SERVER_MAC[src] ?? "52:55:0a:00:02:09", 0x0800, ipv4({ src, dst: HOST_IP, protocol: 17, payload: udp({ src, dst: HOST_IP, srcPort: o.srcPort ?? 53, dstPort: q.srcPort, payload }) })));
}

/** A plain A answer for `n`: header, the question echoed, one A record named by a pointer. */
function aAnswer(id: number, n: string, address: string, ttl = 300): number[] {
  return [...header({ id, an: 1 }), ...question(n), ...rr(QNAME, A, ttl, ip(address))];
}

/** A lookup whose outcome the test does not look at (closed at the end of the test). */
const ignore = (p: Promise<unknown>) => void p.catch(() => undefined);

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => assert.unreachable("resolved"),
    (e: unknown) => e,
  );
}

async function dnsError(p: Promise<unknown>, code: string): Promise<DnsError> {
  const e = await rejection(p);
  assert.instance(e, DnsError);
  assert.is((e as DnsError).code, code, (e as Error).message);
  return e as DnsError;
}

test("the query is byte-exact (RFC 1035 section 4.1): random id, RD, one A/IN question, lowercase", async () => {
  const { h, dns } = setup();
  const p = dns.resolve("Example.COM.");
  const q = oneQuery(h);
  assert.is(q.dst, DNS1);
  assert.ok(q.srcPort >= 49152, "a dynamic source port");
  assert.is(toHex(q.payload), toHex(Uint8Array.from([...u16(q.id), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7, ...Array.from("example", (c) => c.charCodeAt(0)), 3, 99, 111, 109, 0, 0, 1, 0, 1])));
  answer(h, q, aAnswer(q.id, "example.com", "93.184.216.34"));
  assert.is(await p, parseIpv4("93.184.216.34"));
  // The next query has another id and another port (RFC 5452 section 9.2).
  ignore(dns.resolve("example.org"));
  const q2 = oneQuery(h);
  assert.is.not(q2.id, q.id);
  assert.is.not(q2.srcPort, q.srcPort);
  dns.close();
});

test("answers are cached for their TTL; the cache is asked first", async () => {
  const { h, dns } = setup();
  const p = dns.resolve("a.test");
  const q = oneQuery(h);
  answer(h, q, aAnswer(q.id, "a.test", "10.1.1.1", 30));
  await p;
  h.time.advance(29_999);
  assert.is(await dns.resolve("A.TEST"), parseIpv4("10.1.1.1"));
  assert.is(h.nic.sent.length, 0);
  assert.is(h.stack.counters.get("dns_cache_hit"), 1);
  h.time.advance(1);
  ignore(dns.resolve("a.test"));
  assert.is(queries(h).length, 1, "expired: asked again");
  dns.close();
});

test("TTLs are clamped to min/max; 0 is not cached; a TTL with the top bit set counts as 0", async () => {
  const { h, dns } = setup({ maxTtlSeconds: 60 });
  const ask = async (n: string, ttl: number) => {
    const p = dns.resolve(n);
    const q = oneQuery(h);
    answer(h, q, aAnswer(q.id, n, "10.1.1.1", ttl));
    await p;
  };
  await ask("long.test", 86_400);
  await ask("zero.test", 0);
  await ask("huge.test", 0x80000000);
  assert.is(dns.cached, 1);
  h.time.advance(60_000);
  ignore(dns.resolve("long.test"));
  assert.is(queries(h).length, 1, "held no longer than maxTtlSeconds");
  dns.close();

  const m = setup({ minTtlSeconds: 10 });
  const p = m.dns.resolve("short.test");
  const q = oneQuery(m.h);
  answer(m.h, q, aAnswer(q.id, "short.test", "10.1.1.2", 1));
  await p;
  m.h.time.advance(9_999);
  await m.dns.resolve("short.test");
  assert.is(m.h.nic.sent.length, 0, "held at least minTtlSeconds");
});

test("the cache is bounded: the least recently used name goes first", async () => {
  const { h, dns } = setup({ cacheSize: 4 });
  const ask = async (n: string) => {
    const p = dns.resolve(n);
    const q = queries(h);
    if (q.length === 1) answer(h, q[0], aAnswer(q[0].id, n, "10.1.1.1"));
    return p;
  };
  for (let i = 0; i < 4; i++) await ask(`n${i}.test`);
  await ask("n0.test"); // a hit: n0 is now the most recently used
  assert.is(h.stack.counters.get("dns_cache_hit"), 1);
  for (let i = 4; i < 20; i++) await ask(`n${i}.test`);
  assert.is(dns.cached, 4);
  assert.is(h.stack.counters.get("dns_cache_evicted"), 16);
  await ask("n19.test");
  assert.is(h.stack.counters.get("dns_cache_hit"), 2);
  dns.close();
});

test("compression pointers and a CNAME chain within the answer; the TTL is the chain's smallest", async () => {
  const { h, dns } = setup();
  const p = dns.resolve("www.example.com");
  const q = oneQuery(h);
  // www.example.com (offset 12) CNAME web.example.com (offset 45: "web" + pointer to "example.com" at 16)
  //   CNAME cdn.example.net, then the A record of cdn.example.net by pointer.
  const head = [...header({ id: q.id, an: 4 }), ...question("www.example.com")];
  const cname1 = rr(QNAME, CNAME, 600, [3, 119, 101, 98, ...ptr(16)]);
  const webAt = head.length + 2 + 10; // owner pointer, fixed fields, then RDATA
  const cname2Rdata = [3, 99, 100, 110, 7, 101, 120, 97, 109, 112, 108, 101, 3, 110, 101, 116, 0];
  const cname2 = rr(ptr(webAt), CNAME, 120, cname2Rdata);
  const cdnAt = head.length + cname1.length + 2 + 10;
  const unrelated = rr(name("other.test"), A, 5, ip("10.9.9.9"));
  const a = rr(ptr(cdnAt), A, 300, ip("198.51.100.7"));
  answer(h, q, [...head, ...cname1, ...cname2, ...unrelated, ...a]);
  assert.is(await p, parseIpv4("198.51.100.7"));
  h.time.advance(119_999);
  await dns.resolve("www.example.com");
  assert.is(h.nic.sent.length, 0, "cached for 120 s, the smallest TTL of the chain");
  h.time.advance(1);
  ignore(dns.resolve("www.example.com"));
  assert.is(queries(h).length, 1);
  dns.close();
});

test("answers with another id, from another address or port, or for another question are ignored", async () => {
  const { h, dns } = setup();
  const p = dns.resolve("a.test");
  const q = oneQuery(h);
  answer(h, q, aAnswer(q.id ^ 0x5a5a, "a.test", "6.6.6.6"));
  answer(h, q, aAnswer(q.id, "a.test", "6.6.6.6"), { from: "10.0.2.9" });
  answer(h, q, aAnswer(q.id, "a.test", "6.6.6.6"), { srcPort: 5353 });
  answer(h, q, aAnswer(q.id, "b.test", "6.6.6.6"));
  answer(h, q, [...header({ id: q.id, an: 0 }), ...question("a.test", 28)]);
  answer(h, q, [...header({ id: q.id, an: 1, qd: 0 }), ...rr(name("a.test"), A, 60, ip("6.6.6.6"))]);
  answer(h, q, [...header({ id: q.id, an: 1, qr: 0 }), ...question("a.test"), ...rr(QNAME, A, 60, ip("6.6.6.6"))]);
  answer(h, q, [...header({ id: q.id, an: 1, opcode: 2 }), ...question("a.test"), ...rr(QNAME, A, 60, ip("6.6.6.6"))]);
  answer(h, q, [1, 2, 3]);
  const c = h.stack.counters;
  assert.is(c.get("dns_unexpected_id"), 1);
  assert.is(c.get("dns_unexpected_source"), 2);
  assert.is(c.get("dns_question_mismatch"), 3);
  assert.is(c.get("dns_malformed"), 3);
  answer(h, q, aAnswer(q.id, "A.Test", "10.1.2.3"));
  assert.is(await p, parseIpv4("10.1.2.3"), "the real answer, its question in other case (section 2.3.3)");
  dns.close();
});

test("NXDOMAIN rejects at once, asking no other server; no A record is NODATA", async () => {
  const { h, dns } = setup({ servers: [DNS1, DNS2] });
  const p = dns.resolve("nope.test");
  const q = oneQuery(h);
  answer(h, q, [...header({ id: q.id, an: 0, rcode: 3 }), ...question("nope.test")]);
  const e = await dnsError(p, "NXDOMAIN");
  assert.is(e.message, "nope.test: no such name (NXDOMAIN)");
  assert.is(h.nic.sent.length, 0);
  assert.is(h.time.timerCount, 0);

  const p2 = dns.resolve("alias.test");
  const q2 = oneQuery(h);
  answer(h, q2, [...header({ id: q2.id, an: 1 }), ...question("alias.test"), ...rr(QNAME, CNAME, 60, name("elsewhere.test"))]);
  await dnsError(p2, "NODATA");
  dns.close();
});

test("timeouts: each server in turn, then again waiting twice as long, then TIMEOUT", async () => {
  const { h, dns } = setup({ servers: [DNS1, DNS2], timeoutMs: 2000, attempts: 2 });
  const p = dns.resolve("slow.test");
  const sent: { at: number; q: Query }[] = [];
  const settled = p.then(
    () => "resolved",
    (e: DnsError) => e,
  );
  for (let t = 0; t <= 12_000; t += 500) {
    for (const q of queries(h)) sent.push({ at: h.time.now(), q });
    h.time.advance(500);
  }
  assert.equal(
    sent.map((s) => [s.at, s.q.dst]),
    [
      [0, DNS1],
      [2000, DNS2],
      [4000, DNS1],
      [8000, DNS2],
    ],
  );
  assert.ok(sent.every((s) => s.q.id === sent[0].q.id && s.q.srcPort === sent[0].q.srcPort), "one id and port per lookup");
  const e = (await settled) as DnsError;
  assert.instance(e, DnsError);
  assert.is(e.code, "TIMEOUT");
  assert.is(h.stack.counters.get("dns_timeout"), 4);
  assert.is(h.stack.counters.get("dns_retransmit"), 3);
  assert.is(h.time.timerCount, 0);
});

test("a late answer from the first server is still taken after moving on to the second", async () => {
  const { h, dns } = setup({ servers: [DNS1, DNS2] });
  const p = dns.resolve("late.test");
  const q1 = oneQuery(h);
  h.time.advance(2000);
  oneQuery(h);
  answer(h, q1, aAnswer(q1.id, "late.test", "10.4.4.4"));
  assert.is(await p, parseIpv4("10.4.4.4"));
  assert.is(h.time.timerCount, 0);
});

test("SERVFAIL or a truncated answer moves on to the next server at once; the last failure is reported", async () => {
  const { h, dns } = setup({ servers: [DNS1, DNS2] });
  const p = dns.resolve("x.test");
  const q1 = oneQuery(h);
  answer(h, q1, [...header({ id: q1.id, an: 0, rcode: 2 }), ...question("x.test")]);
  const q2 = oneQuery(h);
  assert.is(q2.dst, DNS2);
  answer(h, q2, aAnswer(q2.id, "x.test", "10.5.5.5"));
  assert.is(await p, parseIpv4("10.5.5.5"));
  assert.is(h.stack.counters.get("dns_server_error"), 1);

  const t = setup({ attempts: 1 });
  const pt = t.dns.resolve("big.test");
  const qt = oneQuery(t.h);
  answer(t.h, qt, [...header({ id: qt.id, an: 1, tc: 1 }), ...question("big.test"), ...rr(QNAME, A, 60, ip("10.6.6.6"))]);
  await dnsError(pt, "TRUNCATED");
  assert.is(t.h.stack.counters.get("dns_truncated"), 1);

  const s = setup({ attempts: 1 });
  const ps = s.dns.resolve("refused.test");
  const qs = oneQuery(s.h);
  answer(s.h, qs, [...header({ id: qs.id, an: 0, rcode: 5 }), ...question("refused.test")]);
  const e = await dnsError(ps, "SERVFAIL");
  assert.match(e.message, /RCODE 5/);
});

/** Resolves with one server and one attempt against `body` (after header and question). */
async function against(body: (q: Query, head: number[]) => number[], an = 1): Promise<DnsError> {
  const { h, dns } = setup({ attempts: 1 });
  const p = dns.resolve("evil.test");
  const q = oneQuery(h);
  const head = [...header({ id: q.id, an }), ...question("evil.test")];
  answer(h, q, [...head, ...body(q, head)]);
  const e = await dnsError(p, "MALFORMED");
  assert.is(h.stack.counters.get("dns_malformed"), 1);
  assert.is(h.time.timerCount, 0);
  return e;
}

test("hostile answers are MALFORMED, never a hang: loops, pointers out of range, lengths past the end", async () => {
  // A pointer to itself.
  let e = await against((_q, head) => [...ptr(head.length), ...u16(A), ...u16(1), ...u32(60), ...u16(4), 1, 2, 3, 4]);
  assert.match(e.message, /compression pointer loop/);
  // Two pointers pointing at each other.
  e = await against((_q, head) => [...ptr(head.length + 2), ...ptr(head.length), ...u16(A), ...u16(1), ...u32(60), ...u16(4), 1, 2, 3, 4]);
  assert.match(e.message, /compression pointer loop/);
  e = await against(() => rr(ptr(0x3fff), A, 60, ip("1.2.3.4")));
  assert.match(e.message, /compression pointer to 16383, past the end/);
  e = await against(() => [...QNAME, ...u16(A), ...u16(1), ...u32(60), ...u16(40), 1, 2, 3, 4]);
  assert.match(e.message, /record data runs past the end/);
  e = await against(() => rr(QNAME, A, 60, [1, 2, 3, 4, 5]));
  assert.match(e.message, /A record with 5 bytes/);
  e = await against(() => [...QNAME, ...u16(A), ...u16(1)]);
  assert.match(e.message, /record header runs past the end/);
  e = await against(() => [9, 97, 98]);
  assert.match(e.message, /label runs past the end/);
  e = await against(() => rr([0x40, 1, 0], A, 60, ip("1.2.3.4")));
  assert.match(e.message, /reserved label type/);
  e = await against(() => rr([...Array.from({ length: 5 }, () => [63, ...new Array<number>(63).fill(97)]).flat(), 0], A, 60, ip("1.2.3.4")));
  assert.match(e.message, /longer than 255/);
  e = await against(() => [], 3);
  assert.match(e.message, /name runs past the end/);
  // evil.test CNAME a.test, a.test CNAME evil.test: a loop of aliases.
  e = await against(() => [...rr(QNAME, CNAME, 60, name("a.test")), ...rr(name("a.test"), CNAME, 60, [...QNAME])], 2);
  assert.match(e.message, /CNAME chain/);
  // A CNAME whose RDLENGTH (3) ends inside the name it holds.
  e = await against(() => [...QNAME, ...u16(CNAME), ...u16(1), ...u32(60), ...u16(3), ...name("a.test")]);
  assert.match(e.message, /CNAME name runs past its record/);
});

test("readName: bounds, and equal names compare equal whatever their case or escaping", () => {
  assert.equal(readName(Uint8Array.from([0xc0]), 0), "compression pointer runs past the end");
  assert.equal(readName(Uint8Array.from([]), 0), "name runs past the end");
  assert.equal(readName(Uint8Array.from([3, 65, 46, 0x20, 0]), 0), { name: "a\\046\\032", next: 5 });
  assert.equal(readName(Uint8Array.from([1, 65, 0, 1, 66, 0xc0, 0]), 3), { name: "b.a", next: 7 });
  const answers = readAnswers(Uint8Array.from([...rr(name("x"), A, 1, [1, 2, 3, 4])]), 0, 1);
  assert.equal(addressOf(answers as never, "x"), { address: 0x01020304, ttl: 1 });
});

test("IPv4 literals pass through without a query; bad names are RangeErrors", async () => {
  const { h, dns } = setup();
  assert.is(await dns.resolve("10.0.2.2"), parseIpv4("10.0.2.2"));
  assert.is(h.nic.sent.length, 0);
  for (const bad of ["300.1.1.1", "1.2.3", "", ".", "a..b", "bad name", "x".repeat(64) + ".test", `${"abcdefghi.".repeat(25)}test`, "ünï.test"]) {
    assert.instance(await rejection(dns.resolve(bad)), RangeError, bad);
  }
  assert.is(h.nic.sent.length, 0);
});

test("a signal aborts one caller; others sharing the query still get the answer", async () => {
  const { h, dns } = setup();
  const controller = new AbortController();
  const first = dns.resolve("shared.test", { signal: controller.signal });
  const second = dns.resolve("shared.test");
  const q = oneQuery(h);
  assert.is(h.nic.sent.length, 0, "one query for both");
  controller.abort(new Error("not wanted"));
  assert.is(((await rejection(first)) as Error).message, "not wanted");
  answer(h, q, aAnswer(q.id, "shared.test", "10.7.7.7"));
  assert.is(await second, parseIpv4("10.7.7.7"));
  const already = AbortSignal.abort(new Error("before"));
  assert.is(((await rejection(dns.resolve("other.test", { signal: already }))) as Error).message, "before");
  assert.is(h.nic.sent.length, 0);
});

test("no servers, no address, too many queries, a closed resolver: clear errors", async () => {
  const none = setup({ servers: () => [] });
  await dnsError(none.dns.resolve("a.test"), "NO_SERVERS");
  const unconfigured = makeHost({ ipv4: undefined });
  await dnsError(new DnsResolver(unconfigured.stack, { servers: [DNS1] }).resolve("a.test"), "UNCONFIGURED");
  assert.throws(() => new DnsResolver(unconfigured.stack, { servers: ["10.0.2"] }), RangeError);
  assert.throws(() => new DnsResolver(unconfigured.stack, { servers: [DNS1], timeoutMs: 0 }), /timeoutMs/);

  const { h, dns } = setup({ maxQueries: 2 });
  const p1 = dns.resolve("one.test");
  const p2 = dns.resolve("two.test");
  assert.match(((await rejection(dns.resolve("three.test"))) as Error).message, /too many DNS queries/);
  dns.close();
  await dnsError(p1, "CLOSED");
  await dnsError(p2, "CLOSED");
  await dnsError(dns.resolve("four.test"), "CLOSED");
  assert.is(h.time.timerCount, 0);
  // Every query's port was closed: a datagram to them earns port unreachable.
  assert.is(queries(h).length, 2);
});

test("port: the servers are asked on another port, and only answers from it count", async () => {
  const { h, dns } = setup({ port: 5353 });
  const p = dns.resolve("a.test");
  const [q] = sentDatagrams(h);
  assert.is(q.dstPort, 5353);
  const query = { ...q, id: (q.payload[0] << 8) | q.payload[1] };
  answer(h, query, aAnswer(query.id, "a.test", "6.6.6.6"));
  assert.is(h.stack.counters.get("dns_unexpected_source"), 1, "an answer from port 53 is not the server's");
  answer(h, query, aAnswer(query.id, "a.test", "10.1.2.3"), { srcPort: 5353 });
  assert.is(await p, parseIpv4("10.1.2.3"));
  for (const port of [0, 65536, 1.5]) assert.throws(() => setup({ port }), /DNS port must be an integer 1\.\.65535/);
  dns.close();
});

test("servers come from a function at each query (a DHCP lease's DNS servers)", async () => {
  let servers: number[] = [];
  const { h, dns } = setup({ servers: () => servers });
  await dnsError(dns.resolve("a.test"), "NO_SERVERS");
  servers = [parseIpv4(DNS2)];
  ignore(dns.resolve("a.test"));
  assert.is(oneQuery(h).dst, DNS2);
  dns.close();
});

test("garbage answers never throw; each lookup still ends, in an answer or a DnsError", async () => {
  const { h, dns } = setup({ attempts: 1, timeoutMs: 1000 });
  const p = dns.resolve("noise.test");
  const q = oneQuery(h);
  const rnd = garbage(53);
  const head = [...header({ id: q.id, an: 3 }), ...question("noise.test")];
  for (let i = 0; i < 300; i++) {
    answer(h, q, rnd(i % 100));
    answer(h, q, [...u16(q.id), ...rnd(i % 60)]);
  }
  h.time.advance(1000);
  const e = await rejection(p);
  assert.instance(e, DnsError);
  // Headers right, answers garbage: each is malformed, never an address.
  for (let i = 0; i < 300; i++) {
    const s = setup({ attempts: 1 });
    const pp = s.dns.resolve("noise.test");
    const qq = oneQuery(s.h);
    answer(s.h, qq, [...head.map((b, k) => (k < 2 ? [qq.id >>> 8, qq.id & 255][k] : b)), ...rnd(1 + (i % 80))]);
    s.h.time.advance(2000);
    const r = await pp.then(
      (a) => a,
      (x: unknown) => x,
    );
    if (typeof r === "number") assert.ok(r >= 0 && r <= 0xffffffff);
    else assert.instance(r, DnsError);
  }
});

test.run();
