/**
 * The line discipline a terminal session needs when the server has no kernel tty to do it
 * (POSIX termios canonical mode, ICANON/ECHO/ICRNL/ONLCR, as the client's pty-req asks for):
 * typed characters are echoed, CR or LF ends a line, DEL or BS erases one character, Ctrl-U the
 * line, Ctrl-C drops the line and gives a new prompt, Ctrl-D on an empty line ends the session,
 * and output's LF becomes CR LF. Escape sequences (arrow keys) are swallowed, not echoed.
 */

export const MAX_LINE = 1024;

export interface LineDisciplineOptions {
  /** Echo and output go here (already with CR LF). */
  readonly write: (text: string) => void;
  readonly onLine: (line: string) => void;
  /** Ctrl-C (the line is dropped). */
  readonly onInterrupt: () => void;
  /** Ctrl-D on an empty line. */
  readonly onEnd: () => void;
}

export class LineDiscipline {
  private line = "";
  private escape = 0;
  private lastCr = false;
  private readonly decoder = new TextDecoder();

  constructor(private readonly o: LineDisciplineOptions) {}

  input(bytes: Uint8Array): void {
    const text = this.decoder.decode(bytes, { stream: true });
    for (const ch of text) {
      const c = ch.charCodeAt(0);
      // ESC [ ... final byte (ECMA-48 5.4): swallowed whole.
      if (this.escape === 1) {
        this.escape = ch === "[" || ch === "O" ? 2 : 0;
        continue;
      }
      if (this.escape === 2) {
        if (c >= 0x40 && c <= 0x7e) this.escape = 0;
        continue;
      }
      const afterCr = this.lastCr;
      this.lastCr = c === 0x0d;
      if (c === 0x0d || c === 0x0a) {
        // CR LF is one end of line, not two.
        if (c === 0x0a && afterCr) continue;
        const line = this.line;
        this.line = "";
        this.o.write("\r\n");
        this.o.onLine(line);
      } else if (c === 0x7f || c === 0x08) {
        if (this.line.length > 0) {
          this.line = Array.from(this.line).slice(0, -1).join("");
          this.o.write("\b \b");
        }
      } else if (c === 0x03) {
        this.line = "";
        this.o.write("^C\r\n");
        this.o.onInterrupt();
      } else if (c === 0x04) {
        if (this.line === "") {
          this.o.onEnd();
          return;
        }
      } else if (c === 0x15) {
        this.o.write("\b \b".repeat(Array.from(this.line).length));
        this.line = "";
      } else if (c === 0x1b) {
        this.escape = 1;
      } else if (c >= 0x20 && this.line.length < MAX_LINE) {
        this.line += ch;
        this.o.write(ch);
      }
    }
  }
}

/** Output for a terminal: every LF not already after CR becomes CR LF (termios ONLCR). */
export function crlf(text: string): string {
  return text.replace(/\r?\n/g, "\r\n");
}
