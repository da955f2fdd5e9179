/**
 * Two network stacks on one fake link and in one fake time, for the HTTP tests: a server host
 * (10.0.0.1) and a client host (10.0.0.2), a fetch() over the client's TCP, and a driver that
 * moves the fake time on while the promises of the HTTP layer settle.
 */
import { parseIpv4 } from "../../../stacks/net/address.ts";
import { NetStack } from "../../../stacks/net/stack.ts";
import type { TcpOptionsInput } from "../../../stacks/net/tcp/options.ts";
import { createFetch, type FetchNet, type PooledFetch } from "../../../stacks/http/fetch.ts";
import { FakeNic } from "../net/fake-nic.ts";
import { FakeTime, seededRandom } from "../net/fake-time.ts";
import { mac } from "../net/frames.ts";
import { LossyLink, type LinkOptions } from "../net/link.ts";

export const SERVER_IP = "10.0.0.1";
export const CLIENT_IP = "10.0.0.2";

export interface Pair {
  time: FakeTime;
  server: NetStack;
  client: NetStack;
  link: LossyLink;
  fetch: PooledFetch;
  /** Names the fake resolver knows; others fail as a DNS error would. */
  names: Map<string, string>;
  resolved: string[];
}

/** `fetch`: createFetch's options for the pair's fetch beyond the network (timeouts, pool limits). */
export function makePair(o: { tcp?: TcpOptionsInput; link?: Partial<LinkOptions>; fetch?: Omit<FetchNet, "connect" | "resolve" | "timers"> } = {}): Pair {
  const time = new FakeTime();
  const nicS = new FakeNic(Uint8Array.from(mac("02:00:00:00:00:01")));
  const nicC = new FakeNic(Uint8Array.from(mac("02:00:00:00:00:02")));
  const link = new LossyLink(time, nicS, nicC, { loss: 0, reorder: 0, duplicate: 0, delayMs: 1, seed: 5, ...o.link });
  const tcp: TcpOptionsInput = { timeWaitMs: 2_000, ...o.tcp };
  const server = new NetStack({ nic: nicS, clock: time, timers: time, random: seededRandom(1), ipv4: { address: SERVER_IP, netmask: "255.255.255.0" }, tcp });
  const client = new NetStack({ nic: nicC, clock: time, timers: time, random: seededRandom(2), ipv4: { address: CLIENT_IP, netmask: "255.255.255.0" }, tcp });
  const names = new Map<string, string>([["device.test", SERVER_IP]]);
  const resolved: string[] = [];
  const fetch = createFetch({
    ...o.fetch,
    timers: time,
    connect: (address, port) => client.tcpConnect({ address, port, noDelay: true }),
    resolve: async (name) => {
      resolved.push(name);
      const a = names.get(name);
      if (a === undefined) throw new Error(`DNS: no A record for ${name}`);
      return a;
    },
  });
  return { time, server, client, link, fetch, names, resolved };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Moves fake time on in `stepMs` steps, letting promise jobs run between, until `done()` or `limitMs`. */
export async function runUntil(time: FakeTime, done: () => boolean, limitMs: number, stepMs = 1): Promise<void> {
  const end = time.now() + limitMs;
  for (;;) {
    await tick();
    if (done()) return;
    if (time.now() >= end) throw new Error(`condition not reached within ${limitMs} ms of fake time`);
    time.advance(stepMs);
  }
}

/** Runs fake time until `p` settles; returns its value or throws its error. */
export async function drive<T>(time: FakeTime, p: Promise<T>, limitMs = 60_000, stepMs = 1): Promise<T> {
  let settled = false;
  const watched = p.then(
    (v) => {
      settled = true;
      return v;
    },
    (e: unknown) => {
      settled = true;
      throw e;
    },
  );
  watched.catch(() => undefined);
  await runUntil(time, () => settled, limitMs, stepMs);
  return watched;
}

export const ip = parseIpv4;
