/**
 * Runs one case against two implementations of the Fetch Standard's classes (ours and Node's
 * globals) and reduces each outcome to plain data, so that a table of cases compares them.
 */
export interface HeadersLike extends Iterable<[string, string]> {
  append(n: string, v: string): void;
  delete(n: string): void;
  get(n: string): string | null;
  getSetCookie(): string[];
  has(n: string): boolean;
  set(n: string, v: string): void;
  forEach(cb: (v: string, n: string) => void): void;
}

export interface BodyLike {
  readonly bodyUsed: boolean;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
  readonly headers: HeadersLike;
}

export interface ResponseLike extends BodyLike {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly redirected: boolean;
  readonly url: string;
  clone(): ResponseLike;
}

export interface RequestLike extends BodyLike {
  readonly method: string;
  readonly url: string;
  readonly redirect: string;
  clone(): RequestLike;
}

export interface Impl {
  Headers: new (init?: unknown) => HeadersLike;
  Request: new (input: unknown, init?: unknown) => RequestLike;
  Response: {
    new (body?: unknown, init?: unknown): ResponseLike;
    json(data: unknown, init?: unknown): ResponseLike;
    redirect(url: string, status?: number): ResponseLike;
  };
}

/** The value, or the kind of error thrown (class name only: messages differ between implementations). */
export async function outcome(run: () => unknown): Promise<unknown> {
  try {
    return { value: await run() };
  } catch (e) {
    return { error: e instanceof Error ? e.constructor.name : typeof e };
  }
}

export const node = globalThis as unknown as Impl;
