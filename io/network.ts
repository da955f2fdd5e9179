/**
 * The network as "tsmetal" offers it (docs/networking.md): network(), serve() and the ECMA-419
 * socket classes TCP, UDP and Listener. Each is a stub that loads its image unit on first use,
 * "net" (io/net/unit.ts) or "http" (runtime/web/http.ts), so that a firmware that never calls
 * them carries neither unit (tools/lib/units.ts adds a unit only when the code loads it) and one
 * that does pays nothing for them at boot. Before anything else the net unit is told the board's
 * services (useBoard), so that its NIC comes from the same board() the app sees.
 */
import { image } from "hal";
import { board } from "./index.ts";
import type * as NetUnit from "./net/unit.ts";
import type * as HttpUnit from "../runtime/web/http.ts";

export type { Network, NetworkOptions, StaticIpv4 } from "./net/default-network.ts";
export type { Handler, HttpServer, ServeOptions } from "../runtime/web/http.ts";

/** The http unit sees the net unit through a structural type of its own (runtime/ imports no io/): it must be what the net unit is. */
type Holds<T extends true> = T;
export type NetUnitFitsHttp = Holds<typeof NetUnit extends HttpUnit.NetUnit ? true : false>;

let boardGiven = false;

/** The unit "net", told the board's services the first time (io/ssh.ts uses it too). */
export function netUnit(): typeof NetUnit {
  const unit = image.load("net") as typeof NetUnit;
  if (!boardGiven) {
    unit.useBoard(board());
    boardGiven = true;
  }
  return unit;
}

/** The board's default network, configured by DHCP unless `options.ipv4` is given (io/net/unit.ts). */
export function network(...args: Parameters<typeof NetUnit.network>): ReturnType<typeof NetUnit.network> {
  return netUnit().network(...args);
}

/** An HTTP/1.1 server in the shape of Deno.serve on the board's default network (runtime/web/http.ts). */
export function serve(...args: Parameters<typeof HttpUnit.serve>): ReturnType<typeof HttpUnit.serve> {
  netUnit();
  return (image.load("http") as typeof HttpUnit).serve(...args);
}

/**
 * A class of the net unit as a value that loads the unit when first constructed or looked into:
 * `new TCP(options)` is the unit's TCP, and `x instanceof TCP` asks the unit's class.
 */
function lazyClass<K extends "TCP" | "UDP" | "Listener">(name: K): (typeof NetUnit)[K] {
  const real = () => netUnit()[name] as unknown as (new (...args: unknown[]) => object) & Record<PropertyKey, unknown>;
  return new Proxy(function stub() {} as unknown as (typeof NetUnit)[K], {
    // newTarget is this proxy (or a subclass): its `prototype`, read through get below, is the real one.
    construct: (_target, args, newTarget) => Reflect.construct(real(), args, newTarget),
    apply: () => {
      throw new TypeError(`${name} is a class: use new ${name}(options)`);
    },
    get: (_target, property) => Reflect.get(real(), property),
    has: (_target, property) => Reflect.has(real(), property),
  });
}

// Each a value and a type, as a class is: `const t: TCP = new TCP({...})`.
/** ECMA-419 TCP socket on the default network (io/net/unit.ts). */
export const TCP = /* @__PURE__ */ lazyClass("TCP");
/** An ECMA-419 TCP socket, the instance type of the TCP class. */
export type TCP = InstanceType<typeof NetUnit.TCP>;
/** ECMA-419 UDP socket on the default network (io/net/unit.ts). */
export const UDP = /* @__PURE__ */ lazyClass("UDP");
/** An ECMA-419 UDP socket, the instance type of the UDP class. */
export type UDP = InstanceType<typeof NetUnit.UDP>;
/** ECMA-419 TCP listener on the default network (io/net/unit.ts). */
export const Listener = /* @__PURE__ */ lazyClass("Listener");
/** An ECMA-419 TCP listener, the instance type of the Listener class. */
export type Listener = InstanceType<typeof NetUnit.Listener>;
