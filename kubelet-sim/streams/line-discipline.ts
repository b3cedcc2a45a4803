/**
 * The terminal's line discipline for a session with a tty (`kubectl exec -it`, `run -it`):
 * kubectl puts the local terminal in raw mode and sends each key as typed, so the remote
 * side echoes, edits the line (backspace, Ctrl-U), turns Enter into a line, Ctrl-C into
 * an interrupt of the foreground command, Ctrl-D on an empty line into end of input, and
 * output's `\n` into `\r\n` (onlcr). Pure: feed() returns what to do.
 */

export interface DisciplineResult {
  /** What the terminal echoes back to the user. */
  echo: string;
  /** Completed input (lines ending in \n), in order. */
  input: string[];
  /** Ctrl-C was typed (the pending line was dropped). */
  interrupt: boolean;
  /** Ctrl-D on an empty line. */
  eof: boolean;
}

export class LineDiscipline {
  private line = '';
  private escape = '';

  feed(text: string): DisciplineResult {
    const res: DisciplineResult = { echo: '', input: [], interrupt: false, eof: false };
    for (const ch of text) {
      // Arrow keys and other escape sequences (ESC [ … final byte): swallowed, no history here.
      if (this.escape !== '') {
        this.escape += ch;
        if (this.escape.length > 1 && /[@-~]/.test(ch) && !(this.escape.length === 2 && ch === '[')) this.escape = '';
        if (this.escape.length > 16) this.escape = '';
        continue;
      }
      switch (ch) {
        case '\x1b':
          this.escape = ch;
          break;
        case '\r':
        case '\n':
          res.echo += '\r\n';
          res.input.push(`${this.line}\n`);
          this.line = '';
          break;
        case '\x7f':
        case '\b':
          if (this.line.length > 0) {
            this.line = this.line.slice(0, -1);
            res.echo += '\b \b';
          }
          break;
        case '\x15':
          res.echo += '\b \b'.repeat(this.line.length);
          this.line = '';
          break;
        case '\x03':
          res.echo += '^C';
          this.line = '';
          res.interrupt = true;
          break;
        case '\x04':
          if (this.line === '') res.eof = true;
          else {
            res.input.push(this.line);
            this.line = '';
          }
          break;
        default:
          if (ch < ' ' && ch !== '\t') break;
          this.line += ch;
          res.echo += ch;
      }
    }
    return res;
  }
}

/** Output through a tty: `\n` becomes `\r\n` (a `\r\n` already there stays as is). */
export function onlcr(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
