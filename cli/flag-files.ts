/**
 * Files named by flags (--kubeconfig of the client commands, --node-template,
 * --stage-config) are read when the command starts, not while parsing: parseCli stays
 * pure, and its tests need no files. A file that cannot be used fails the start (exit 1,
 * see main.ts) with one line naming the flag and the file, never a stack trace or a
 * multi-line schema report.
 */

/**
 * Calls `load(path)`; any error it throws becomes an Error whose message is the whole
 * report: `cannot use --FLAG PATH: REASON`, on one line.
 */
export function readFlagFile<T>(flag: string, path: string, load: (path: string) => T): T {
  try {
    return load(path);
  } catch (err) {
    throw new Error(`cannot use --${flag} ${path}: ${fileErrorReason(path, err)}`);
  }
}

/**
 * Why a file could not be used, on one line. The loaders' own messages are kept (they say
 * what is wrong), minus what the report already gives (the path) and minus layout: a YAML
 * error keeps its first line (the rest is a code frame), zod's prettified issues
 * (`✖ what` / `→ at where` lines) become `what (at where); …`.
 */
export function fileErrorReason(path: string, err: unknown): string {
  const e = err as { code?: unknown; name?: unknown };
  if (e?.code === 'ENOENT') return 'no such file';
  if (e?.code === 'EISDIR') return 'is a directory';
  let message = err instanceof Error ? err.message : String(err);
  if (message.startsWith(`${path}: `)) message = message.slice(path.length + 2);
  if (e?.name === 'YAMLParseError') return `invalid YAML: ${message.split('\n')[0]!.replace(/:$/, '')}`;
  if (err instanceof SyntaxError) return `invalid JSON: ${message}`;
  const parts: string[] = [];
  for (const raw of message.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('→ ') && parts.length > 0) parts[parts.length - 1] += ` (${line.slice(2)})`;
    else parts.push(line.replace(/(^|: )✖ /, '$1')); // the first issue follows the loader's prefix
  }
  return parts.join('; ');
}
