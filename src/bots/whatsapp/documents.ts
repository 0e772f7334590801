import type { WaInbound } from './parse.js';
import { sendCsvCard } from './csv.js';
import { say, type InboundDeps, type Turn } from './turn.js';

/** The Cloud API accepts documents up to 100 MB; CSV imports are far smaller, so cap what we hold. */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/**
 * Downloads an inbound document into memory: GET /{media-id} → a URL valid for 5 minutes → GET
 * the URL with the same bearer token (CHAT.md §4), done at once so the URL cannot expire between
 * the two steps. Checks the sha256 WhatsApp reports when it gave one.
 */
export async function downloadDocument(
  deps: Pick<InboundDeps, 'graph'>,
  doc: NonNullable<WaInbound['document']>,
): Promise<{ bytes: Buffer; mimeType: string; filename: string }> {
  const { createHash } = await import('node:crypto');
  const file = await deps.graph.downloadMedia(doc.id);
  if (file.bytes.length > MAX_DOCUMENT_BYTES)
    throw new Error(`The document is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB.`);
  const sha = doc.sha256 ?? file.sha256;
  if (sha && createHash('sha256').update(file.bytes).digest('hex') !== sha.toLowerCase())
    throw new Error('The document did not arrive intact (checksum mismatch); please send it again.');
  return { bytes: file.bytes, mimeType: doc.mimeType ?? file.mimeType, filename: doc.filename ?? 'document' };
}

const looksLikeCsv = (doc: NonNullable<WaInbound['document']>) =>
  /\.(csv|tsv|txt)$/i.test(doc.filename ?? '') || /csv|text\/plain|tab-separated/i.test(doc.mimeType ?? '');

/**
 * A document message: a CSV export is downloaded and handed to the CSV import flow
 * (src/csv-import/session.ts); its review and preview cards arrive as list messages, their
 * buttons as rows (see csv.ts).
 */
export async function receiveDocument(
  deps: InboundDeps,
  t: Turn,
  doc: NonNullable<WaInbound['document']>,
): Promise<void> {
  if (!looksLikeCsv(doc)) {
    await say(deps, t, 'I can only import CSV files (tickets exported from your helpdesk).');
    return;
  }
  const filename = doc.filename ?? 'tickets.csv';
  // The webhook does not give the size; the service checks it again on the bytes.
  const refused = deps.services.csv.precheck({ actor: t.person, filename, sizeBytes: null });
  if (refused) return say(deps, t, refused);
  let file: Awaited<ReturnType<typeof downloadDocument>>;
  try {
    file = await downloadDocument(deps, doc);
  } catch (err) {
    deps.log.warn({ err: (err as Error).message }, 'whatsapp: document download failed');
    await say(deps, t, `I couldn't download that file: ${(err as Error).message}`);
    return;
  }
  const reply = await deps.services.csv.startImport({
    workspaceId: t.person.workspaceId,
    actor: t.person,
    channel: 'whatsapp',
    filename,
    bytes: file.bytes,
    origin: { channel: 'whatsapp', conversation: t.chat.waId, thread: null },
  });
  if (!reply.ok) return say(deps, t, reply.error);
  await sendCsvCard(deps, t, reply.importId, reply.message);
}
