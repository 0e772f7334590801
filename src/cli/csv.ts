import { readFile, stat } from 'node:fs/promises';
import {
  analyseCsv,
  checkSize,
  CsvFileError,
  FIELD_LABELS,
  neutralise,
  readTickets,
  TICKET_FIELDS,
  type RowOutcome,
} from '../connectors/csv/index.js';

/**
 * `fincelo csv inspect <file>`: what the chat review card shows — detected format, encoding,
 * delimiter, each ticket field's column and confidence, and the first rows normalised. Reads the
 * file only; nothing is stored. Values from the file are neutralised (`=`, `+`, `-`, `@` get a
 * leading `'`) as in the cards, since this output is often redirected into a file.
 */
export async function inspectCsvFile(
  path: string,
  opts: { json?: boolean; rows?: number; timezone?: string },
  out: (line: string) => void,
): Promise<number> {
  const timeZone = opts.timezone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    out(
      opts.json
        ? JSON.stringify({ error: { code: 'bad_timezone', message: `Unknown time zone ${timeZone}.` } })
        : `Unknown time zone ${timeZone}.`,
    );
    return 2;
  }
  try {
    const size = (await stat(path)).size;
    const tooLarge = checkSize(size);
    if (tooLarge) throw tooLarge; // nothing is read
    const buf = await readFile(path);
    const a = await analyseCsv(buf);
    const outcomes: RowOutcome[] = [];
    await readTickets(buf, a, a.mapping, timeZone, async (b) => void outcomes.push(...b), {
      limit: opts.rows ?? 5,
    });
    const rows = outcomes.map((o) =>
      o.ok
        ? {
            row: o.row,
            line: o.line,
            externalId: neutralise(o.ticket.externalId),
            subject: neutralise(o.ticket.subject),
            body: neutralise(o.ticket.body),
            status: o.ticket.status ? neutralise(o.ticket.status) : null,
            priority: o.ticket.priority ? neutralise(o.ticket.priority) : null,
            requesterEmail: o.ticket.requesterEmail ? neutralise(o.ticket.requesterEmail) : null,
            organization: o.ticket.organization ? neutralise(o.ticket.organization) : null,
            createdAt: o.ticket.createdAt?.toISOString() ?? null,
            updatedAt: o.ticket.updatedAt?.toISOString() ?? null,
            tags: o.tags.map(neutralise),
          }
        : { row: o.row, line: o.line, skipped: neutralise(o.reason) },
    );
    const fields = Object.fromEntries(
      TICKET_FIELDS.map((f) => [
        f,
        a.mapping[f]
          ? { column: neutralise(a.mapping[f]!.column), confidence: a.mapping[f]!.confidence }
          : null,
      ]),
    );
    if (opts.json) {
      out(
        JSON.stringify(
          {
            file: path,
            sizeBytes: a.sizeBytes,
            format: a.formatId,
            formatLabel: a.formatLabel,
            encoding: a.encoding.encoding,
            bom: a.encoding.bom,
            delimiter: a.delimiter,
            delimiterName: a.delimiterName,
            rowCount: a.rowCount,
            timeZone,
            fields,
            rows,
          },
          null,
          2,
        ),
      );
      return 0;
    }
    out(`${a.formatLabel} · ${a.encodingLabel} · ${a.delimiterName}-separated · ${a.rowCount} rows`);
    for (const f of TICKET_FIELDS) {
      const m = a.mapping[f];
      out(
        `  ${FIELD_LABELS[f].padEnd(16)} ← ${m ? `${neutralise(m.column)} (${Math.round(m.confidence * 100)}%)` : '—'}`,
      );
    }
    for (const r of rows)
      out(`  row ${r.row}: ${'skipped' in r ? `skipped — ${r.skipped}` : `#${r.externalId} ${r.subject}`}`);
    return 0;
  } catch (err) {
    if (err instanceof CsvFileError) {
      out(
        opts.json
          ? JSON.stringify({ error: { code: err.code, message: err.message, line: err.line ?? null } })
          : err.message,
      );
      return 1;
    }
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      out(
        opts.json
          ? JSON.stringify({ error: { code: 'not_found', message: `No such file: ${path}` } })
          : `No such file: ${path}`,
      );
      return 2;
    }
    throw err;
  }
}
