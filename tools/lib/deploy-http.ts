/**
 * Sends an app unit to an updatable base's HTTP endpoint (io/update/http.ts; docs/updates.md,
 * "Over HTTP"): one PUT with a Content-Length, then the device's answer, whose one line of text
 * says why when it is not 200. Node's http client: the unit is one body, so nothing more is needed.
 */
import http from "node:http";
import type { DeployOutcome } from "./deploy-session.ts";

export interface HttpDeployOptions {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  /** From the request's start to the answer's end (the device verifies before answering). */
  readonly timeoutMs: number;
}

/** PUTs `unit`; resolves with the device's verdict, or `ok: false` with what went wrong on the way. */
export function deployOverHttp(unit: Uint8Array, o: HttpDeployOptions): Promise<DeployOutcome> {
  const where = `http://${o.host.includes(":") ? `[${o.host}]` : o.host}:${o.port}${o.path}`;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: DeployOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = http.request(
      { host: o.host, port: o.port, path: o.path, method: "PUT", headers: { "content-type": "application/octet-stream", "content-length": String(unit.length) }, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          if (body.length < 4096) body += d;
        });
        res.on("error", (e) => done({ ok: false, why: `the answer from ${where} broke off: ${e.message}` }));
        res.on("end", () => {
          const text = body.trim();
          const status = res.statusCode ?? 0;
          const m = /^accepted (\d+)$/.exec(text);
          if (status === 200 && m) return done({ ok: true, version: Number(m[1]) });
          const why = text.replace(/^refused: /, "") || `no reason given (${res.statusMessage ?? ""})`;
          done({ ok: false, why: status === 200 ? `unexpected answer from ${where}: ${text}` : `HTTP ${status}: ${why}` });
        });
      },
    );
    const timer = setTimeout(() => {
      done({ ok: false, why: `no answer from ${where} within ${o.timeoutMs / 1000} s` });
      req.destroy();
    }, o.timeoutMs);
    req.on("error", (e: NodeJS.ErrnoException) => {
      const why =
        e.code === "ECONNREFUSED"
          ? `connection to ${where} refused (is the base running with --update-http, and its port forwarded?)`
          : e.code === "ECONNRESET"
            ? `${where} closed the connection before answering`
            : `cannot reach ${where}: ${e.message}`;
      done({ ok: false, why });
    });
    req.end(unit);
  });
}
