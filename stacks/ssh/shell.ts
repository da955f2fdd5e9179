/**
 * A command shell served on session channels: `shell` gets the prompt and the line discipline
 * (pty.ts) and runs each line; `exec` runs its command once and returns its status as
 * exit-status (RFC 4254 6.10). The commands are the app's (io/shell.ts: the same table the serial
 * shell runs).
 */
import type { SessionHandler } from "./connection.ts";
import type { SshSession } from "./channel.ts";
import { LineDiscipline, crlf } from "./pty.ts";

/** A line interpreter: runs one line, printing through `print`, and returns its exit status. */
export interface CommandInterpreter {
  run(line: string, print: (text: string) => void): number;
}

export interface ShellOptions {
  readonly prompt?: string;
  /** Printed when a shell session starts. */
  readonly banner?: string;
}

export function shellHandler(interpreter: CommandInterpreter, options: ShellOptions = {}): SessionHandler {
  const prompt = options.prompt ?? "> ";
  return {
    exec(session, command) {
      // Without a pty, output goes as it is (LF), as from a command run by sshd; with one, CR LF.
      const out = (text: string) => session.write((session.pty ? crlf(text) : text) + (session.pty ? "\r\n" : "\n"));
      session.exit(interpreter.run(command, out));
    },
    shell(session) {
      const pty = session.pty !== null;
      const out = (text: string) => session.write(pty ? crlf(text) + "\r\n" : text + "\n");
      if (options.banner) out(options.banner);
      session.write(prompt);
      if (!pty) {
        // No terminal (ssh -T): lines as they come, no echo, EOF ends the session.
        let buffered = "";
        const decoder = new TextDecoder();
        session.onData = (data) => {
          buffered += decoder.decode(data, { stream: true });
          let nl: number;
          while ((nl = buffered.indexOf("\n")) >= 0) {
            const line = buffered.slice(0, nl).replace(/\r$/, "");
            buffered = buffered.slice(nl + 1);
            interpreter.run(line, out);
            session.write(prompt);
          }
          if (buffered.length > 1024) buffered = "";
        };
        session.onEof = () => session.exit(0);
        return;
      }
      const discipline = new LineDiscipline({
        write: (text) => session.write(text),
        onLine: (line) => {
          interpreter.run(line, out);
          session.write(prompt);
        },
        onInterrupt: () => session.write(prompt),
        onEnd: () => {
          session.write("\r\n");
          session.exit(0);
        },
      });
      session.onData = (data) => discipline.input(data);
      session.onEof = () => session.exit(0);
    },
  };
}

export type { SshSession };
