/**
 * A small RFC 4180 reader with the rules of Go's encoding/csv (which kube-apiserver uses
 * for --token-auth-file): records end at LF or CRLF, blank lines are skipped, a field may
 * be quoted ("" inside quotes is one quote, quotes may span lines), and a quote inside an
 * unquoted field or text after a closing quote is an error. Fields are not trimmed.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let line = 1;
  let i = 0;
  const n = text.length;
  // Whether the current line has produced anything yet (a blank line is skipped).
  let lineStarted = false;

  const endRecord = () => {
    if (lineStarted) {
      record.push(field);
      records.push(record);
    }
    record = [];
    field = '';
    lineStarted = false;
  };

  while (i < n) {
    const c = text[i]!;
    if (c === '"' && field === '') {
      // Quoted field: read to the closing quote.
      lineStarted = true;
      const startLine = line;
      i++;
      for (;;) {
        if (i >= n) throw new Error(`line ${startLine}: extraneous or missing " in quoted-field`);
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && !(next === '\r' && text[i + 1] === '\n')) {
        throw new Error(`line ${line}: extraneous or missing " in quoted-field`);
      }
      if (next === ',') {
        record.push(field);
        field = '';
        i++;
      }
      continue;
    }
    if (c === ',') {
      lineStarted = true;
      record.push(field);
      field = '';
      i++;
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      endRecord();
      i += c === '\r' ? 2 : 1;
      line++;
    } else if (c === '"') {
      throw new Error(`line ${line}: bare " in non-quoted-field`);
    } else {
      lineStarted = true;
      field += c;
      i++;
    }
  }
  endRecord();
  return records;
}
