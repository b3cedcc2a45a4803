import type { AppletContext } from '../types.js';

/** Reads a program's stdin to its end (a pipe's buffered text, or a terminal until Ctrl-D). */
export async function readAll(ctx: Pick<AppletContext, 'io' | 'signal'>): Promise<string> {
  let out = '';
  for (;;) {
    const chunk = await ctx.io.stdin.read(ctx.signal);
    if (chunk === null) return out;
    out += chunk;
  }
}
