/**
 * Local ports for UDP sockets and TCP connections opened without one: the dynamic range of
 * RFC 6335 section 6 (49152-65535), searched in turn from where the last search ended (the first
 * from a random point), so that a port just given up is not handed out again at once.
 */
const EPHEMERAL_FIRST = 49152;
const EPHEMERAL_COUNT = 16384;

/** A port of the dynamic range drawn at random, for a source port that must be hard to guess (RFC 5452 section 9.2). */
export function randomEphemeralPort(random: () => number): number {
  return EPHEMERAL_FIRST + (random() % EPHEMERAL_COUNT);
}

export class EphemeralPorts {
  private next: number;

  /** `random`: a uniformly random unsigned 32-bit integer. */
  constructor(random: () => number) {
    this.next = random() % EPHEMERAL_COUNT;
  }

  /** The next dynamic port for which `inUse` is false; throws, naming `protocol`, when none is. */
  pick(inUse: (port: number) => boolean, protocol: string): number {
    for (let i = 0; i < EPHEMERAL_COUNT; i++) {
      const port = EPHEMERAL_FIRST + ((this.next + i) % EPHEMERAL_COUNT);
      if (!inUse(port)) {
        this.next = (this.next + i + 1) % EPHEMERAL_COUNT;
        return port;
      }
    }
    throw new Error(`no free ${protocol} port`);
  }
}
