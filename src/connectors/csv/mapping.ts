import { looksLikeDate } from './dates.js';
import type { CsvFormat } from './formats.js';
import { TICKET_FIELDS, type ColumnMapping, type TicketField } from './fields.js';

/**
 * What people call each field in custom exports and spreadsheets, and the column names of the
 * Jira, Zendesk and Freshdesk exports in English, Spanish, French, German and Portuguese (a user's
 * export comes in their interface language). First names first: an exact match on an earlier
 * name beats one on a later name (ServiceNow's `priority` beats `urgency`). Written with their
 * accents; matching also accepts the name without them (see nameScore).
 */
const SYNONYMS: Record<TicketField, string[]> = {
  externalId: [
    'id',
    'ticket id',
    'ticket number',
    'ticket no',
    'ticket',
    'number',
    'case number',
    'case id',
    'issue key',
    'key',
    'issue id',
    'reference',
    'ref',
    // es / fr / de / pt
    'clave de incidencia',
    'id de la incidencia',
    'id del ticket',
    'número de ticket',
    'clé de ticket',
    'clé',
    'id du ticket',
    'numéro de ticket',
    'vorgangsschlüssel',
    'vorgangs id',
    'ticket nr',
    'ticketnummer',
    'chave do item',
    'id do item',
    'id do ticket',
    'número do ticket',
  ],
  subject: [
    'subject',
    'title',
    'summary',
    'short description',
    'topic',
    'headline',
    'resumen',
    'asunto',
    'título',
    'résumé',
    'sujet',
    'objet',
    'titre',
    'zusammenfassung',
    'betreff',
    'titel',
    'resumo',
    'assunto',
  ],
  body: [
    'description',
    'body',
    'message',
    'content',
    'details',
    'text',
    'problem',
    'descripción',
    'mensaje',
    'beschreibung',
    'nachricht',
    'descrição',
    'mensagem',
  ],
  status: ['status', 'state', 'ticket status', 'estado', 'statut', 'état', 'estado do ticket'],
  priority: ['priority', 'severity', 'urgency', 'prioridad', 'priorité', 'priorität', 'prioridade'],
  requesterEmail: [
    'email',
    'requester email',
    'customer email',
    'contact email',
    'from',
    'reporter email',
    'e mail',
    'requester',
    'correo electrónico',
    'correo',
    'correo del solicitante',
    'e mail du demandeur',
    'adresse e mail',
    'courriel',
    'e mail adresse',
    'e mail des anfragenden',
    'e mail do solicitante',
  ],
  organization: [
    'organization',
    'organisation',
    'company',
    'account',
    'customer',
    'org',
    'client',
    'account name',
    'company name',
    'organización',
    'organizaciones',
    'empresa',
    'nombre de la empresa',
    'société',
    'entreprise',
    'nom de la société',
    'organisationen',
    'firma',
    'unternehmen',
    'firmenname',
    'organização',
    'organizações',
    'nome da empresa',
  ],
  createdAt: [
    'created',
    'created at',
    'created date',
    'created time',
    'creation date',
    'opened',
    'date opened',
    'opened at',
    'submitted',
    'date',
    'creada',
    'creado',
    'fecha de creación',
    'hora de creación',
    'créé',
    'créée',
    'date de création',
    'heure de création',
    'erstellt',
    'erstellungsdatum',
    'erstellt am',
    'erstellungszeit',
    'criado',
    'criada',
    'data de criação',
    'hora de criação',
  ],
  updatedAt: [
    'updated',
    'updated at',
    'last updated',
    'modified',
    'last modified',
    'last update',
    'updated date',
    'last updated time',
    'actualizada',
    'actualizado',
    'última actualización',
    'hora de la última actualización',
    'mis à jour',
    'mise à jour',
    'dernière mise à jour',
    'aktualisiert',
    'zuletzt aktualisiert',
    'atualizado',
    'atualizada',
    'última atualização',
  ],
  comments: [
    'comments',
    'comment',
    'notes',
    'replies',
    'conversation',
    'comentario',
    'comentarios',
    'commentaire',
    'commentaires',
    'kommentar',
    'kommentare',
    'comentário',
    'comentários',
  ],
  tags: [
    'tags',
    'tag',
    'labels',
    'label',
    'etiquetas',
    'etiqueta',
    'étiquettes',
    'schlagwörter',
    'stichwörter',
  ],
};

/** Lower case, punctuation → spaces; accents kept (ó, é, ü, ç are letters here). */
const normHeader = (h: string) =>
  h
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
/** The same without accents: `descripción` → `descripcion`, `priorität` → `prioritat`. */
const fold = (h: string) => h.normalize('NFD').replace(/\p{M}+/gu, '');

/**
 * Vendor wrappers around a custom field's own name (`Custom field (Epic Status)`, `Campo
 * personalizado (…)`, `Champ personnalisé (…)`, `Benutzerdefiniertes Feld (…)`): such a column is
 * never the vendor's own field, so its name counts for little.
 */
const CUSTOM_FIELD =
  /^(custom field|campo personalizado|champ personnalis[eé]|benutzerdefiniertes feld|campo personalizado)\s*\(/i;

function bigrams(s: string): string[] {
  const t = s.replace(/ /g, '');
  const out: string[] = [];
  for (let i = 0; i < t.length - 1; i++) out.push(t.slice(i, i + 2));
  return out;
}

/** Sørensen–Dice similarity of character bigrams (0..1). */
function dice(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (!x.length || !y.length) return a === b ? 1 : 0;
  const pool = new Map<string, number>();
  for (const g of y) pool.set(g, (pool.get(g) ?? 0) + 1);
  let hit = 0;
  for (const g of x) {
    const n = pool.get(g) ?? 0;
    if (n) {
      hit++;
      pool.set(g, n - 1);
    }
  }
  return (2 * hit) / (x.length + y.length);
}

export function nameScore(field: TicketField, header: string): number {
  const h = normHeader(header);
  if (!h) return 0;
  const hf = fold(h);
  const words = hf.split(' ');
  let best = 0;
  const synonyms = SYNONYMS[field];
  for (let i = 0; i < synonyms.length; i++) {
    const syn = normHeader(synonyms[i]!);
    // The field's own name: exact with its accents, a hair lower without them (so `Descripción`
    // beats a `Descripcion` column, and both beat a name that merely contains a synonym).
    const rank = Math.max(0.9, 1 - 0.004 * i);
    if (h === syn) return rank;
    const sf = fold(syn);
    if (hf === sf) {
      best = Math.max(best, rank - 0.02);
      continue;
    }
    const synWords = sf.split(' ');
    // Containing a synonym ("Parent summary", "Epic Status") is a weaker sign than being one.
    if (synWords.every((w) => words.includes(w)))
      best = Math.max(best, 0.75 - 0.05 * (words.length - synWords.length));
    best = Math.max(best, dice(hf, sf) * 0.7);
  }
  if (CUSTOM_FIELD.test(header.trim())) best *= 0.5;
  return Math.max(0, best);
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[a-z]{2,}$/i;
const ID = /^(?:[A-Za-z]{1,10}[-_#]?)?\d{1,15}$/;

/** How well a column's sample values fit a field (0..1). */
export function contentScore(field: TicketField, values: string[]): number {
  const filled = values.map((v) => v.trim()).filter(Boolean);
  if (!filled.length) return 0;
  const frac = (p: (v: string) => boolean) => filled.filter(p).length / filled.length;
  const avgLen = filled.reduce((n, v) => n + v.length, 0) / filled.length;
  const distinct = new Set(filled).size;
  switch (field) {
    case 'requesterEmail':
      return frac((v) => EMAIL.test(v));
    case 'createdAt':
    case 'updatedAt':
      return frac(looksLikeDate);
    case 'externalId':
      return frac((v) => ID.test(v)) * (distinct / filled.length) * (filled.length / values.length);
    case 'subject':
      return (
        frac((v) => !EMAIL.test(v) && !looksLikeDate(v) && /[a-z]/i.test(v)) *
        (avgLen >= 8 && avgLen <= 200 ? 1 : 0.5)
      );
    case 'body':
      return frac((v) => /[a-z]/i.test(v) && v.includes(' ')) * (avgLen >= 30 ? 1 : 0.4);
    case 'status':
    case 'priority':
      return frac((v) => v.length <= 30 && !EMAIL.test(v) && !looksLikeDate(v)) * (distinct <= 20 ? 1 : 0.3);
    case 'organization':
      // A name has letters: counts (`reopen_count`), amounts and ids are never an organisation.
      return frac(
        (v) => !EMAIL.test(v) && !looksLikeDate(v) && v.length <= 100 && /\p{L}/u.test(v) && !ID.test(v),
      );
    case 'comments':
    case 'tags':
      return frac((v) => /[a-z]/i.test(v)) * 0.8;
  }
}

/**
 * Maps a custom export: every (field, column) pair gets a confidence from the header's similarity
 * to the field's usual names (60 %) and how the sample values look (40 %); pairs are assigned best
 * first, one column per field. Below 0.45 a field stays unmapped rather than guessed.
 */
export function guessMapping(headers: string[], samples: string[][]): ColumnMapping {
  const columns = [...new Set(headers)];
  const valuesOf = (col: string) => {
    const idx = headers.indexOf(col);
    return samples.map((r) => r[idx] ?? '');
  };
  const pairs: { field: TicketField; column: string; score: number }[] = [];
  for (const field of TICKET_FIELDS) {
    for (const column of columns) {
      const name = nameScore(field, column);
      const content = contentScore(field, valuesOf(column));
      // A name-less guess on content alone is capped: a date column is created *or* updated.
      const score =
        name > 0.3 ? 0.6 * name + 0.4 * content : 0.5 * content * (field === 'requesterEmail' ? 1 : 0.8);
      if (score >= 0.45) pairs.push({ field, column, score });
    }
  }
  pairs.sort((a, b) => b.score - a.score);
  const out: ColumnMapping = {};
  const used = new Set<string>();
  for (const p of pairs) {
    if (out[p.field] || used.has(p.column)) continue;
    out[p.field] = { column: p.column, confidence: round(p.score) };
    used.add(p.column);
  }
  return out;
}

/** A vendor export's documented columns: confidence 1, lowered when the values do not fit. */
export function formatMapping(format: CsvFormat, headers: string[], samples: string[][]): ColumnMapping {
  const out: ColumnMapping = {};
  const lower = headers.map((h) => h.trim().toLowerCase());
  for (const field of TICKET_FIELDS) {
    for (const candidate of format.fields[field] ?? []) {
      const idx = lower.indexOf(candidate.toLowerCase());
      if (idx < 0) continue;
      const checked = field === 'requesterEmail' || field === 'createdAt' || field === 'updatedAt';
      const values = samples.map((r) => r[idx] ?? '').filter((v) => v.trim());
      const fit = checked && values.length ? contentScore(field, values) : 1;
      out[field] = { column: headers[idx]!, confidence: round(fit >= 0.9 ? 1 : 0.5 + 0.5 * fit) };
      break;
    }
  }
  return out;
}

const round = (n: number) => Math.round(n * 100) / 100;
