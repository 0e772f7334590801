import { z } from 'zod';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Config } from '../config.js';
import { parseDurationMs } from '../engine/duration.js';
import { cleanBody } from '../engine/analysis/clean.js';
import { createLocalAnalyzer, sentimentScore, type LocalAnalyzer } from '../engine/analysis/local.js';
import {
  CATEGORIES,
  SENTIMENT_BANDS,
  SENTIMENTS,
  type Analysis,
  type Analyzer,
  type TicketText,
} from '../engine/analysis/types.js';

/**
 * The optional LLM analyzer: LangChain chat model chosen by FINCELO_LLM_PROVIDER, structured
 * output validated against a zod schema, bounded concurrency and a per-ticket timeout. Any failure
 * (network, timeout, refusal, output that fails the schema) falls back to the local analyzer, and
 * the stored analysis then names `local:fallback` as its analyzer. Keyword flags always come from
 * the local phrase lists: they must show phrases that are really in the ticket.
 */

export const LlmAnalysisSchema = z.object({
  sentiment: z.object({
    label: z.enum(SENTIMENTS),
    score: z.number().min(0).max(100),
    /** Short phrases copied from the ticket that decided the label. */
    evidence: z.array(z.string()).max(6).default([]),
  }),
  category: z.object({
    primary: z.enum(CATEGORIES),
    confidence: z.number().min(0).max(1),
    secondary: z.array(z.enum(CATEGORIES)).max(3).default([]),
    evidence: z.array(z.string()).max(6).default([]),
  }),
});

/** Label definitions (issue 17) and a few examples per label; the same words the blind set's
 * author was given. */
const SENTIMENT_DEFINITIONS = `Sentiment label, one of:
- hostile: anger, insults, threats, contempt. e.g. "Your team is incompetent and I am done being polite." / "Fix it today or we sue." / "Thanks for nothing, again."
- distressed: anxiety, panic, urgency, business or job at stake. e.g. "Payroll runs tonight and the export is blocked, please help." / "My job is on the line if this launch slips." / "URGENT: all our agents are locked out."
- frustrated: annoyance, repeated problems, waiting, disappointment. e.g. "This is the third time this month the sync fails." / "Still waiting for an answer after two weeks." / "Disappointed that the fix did not hold."
- neutral: factual requests and reports without emotional tone. e.g. "Please send the invoice for March." / "The CSV import shows an error on row 12." / "I was charged twice for our plan; please correct it."
- positive: thanks, praise, satisfaction. e.g. "Thanks, the new dashboard is great." / "Resolved quickly, much appreciated." / "We love the product."
Politeness can mask anger and sarcasm can read as praise: judge the substance, not the manners.
Sentiment score 0-100: 0 most negative, 50 neutral, 100 most positive, consistent with the label
(hostile 0-19, distressed 20-34, frustrated 35-44, neutral 45-59, positive 60-100).`;

const CATEGORY_DEFINITIONS = `Category: the primary revenue-risk category, one of:
- billing_dispute: the customer contests a charge or invoice. e.g. "We were charged twice." / "The invoice does not match our contract."
- cancellation_request: the customer wants to end a subscription, account, contract or order. e.g. "Please cancel our subscription at renewal." / "Close our account." Not: cancelling a meeting, reservation or flight; "we are not cancelling".
- legal_threat: lawyers, legal action, breach of contract, regulator or GDPR complaints. e.g. "Our attorneys will be in touch." / "This is a breach of contract." Not: "our legal team needs the DPA".
- competitor_mention: comparing with or moving to a competitor. e.g. "Zendesk offered us 30% less."
- product_bug: the product misbehaves. e.g. "The export fails with error 500 on large files."
- service_outage: the service is down or unreachable. e.g. "Nobody can log in since 9am."
- security_concern: security, privacy, fraud or data exposure. e.g. "Someone is using our admin account." / "A user sees another tenant's data."
- refund_request: money back. e.g. "We want a refund for the unused months." / "We expect compensation for the downtime."
- downgrade: fewer seats or a lower plan. e.g. "Reduce us from 50 to 20 seats."
- pricing_objection: price too high or a price increase contested. e.g. "The new per-seat price is more than we can justify."
- executive_escalation: the customer escalates to executives. e.g. "I am escalating this to your CEO."
- none: none of the above (questions, feature requests, how-tos, praise).
Give a confidence 0-1 and up to three secondary categories.`;

const INSTRUCTIONS = `You score B2B SaaS customer support tickets for a customer-success team.
${SENTIMENT_DEFINITIONS}
${CATEGORY_DEFINITIONS}
For both, "evidence" lists up to four short phrases copied exactly from the ticket that decided your answer
(empty for neutral sentiment or category none).`;

/** The prompt's system text (exported for tests and for `npm run eval -- --llm`). */
export const LLM_INSTRUCTIONS = INSTRUCTIONS;

/** Keeps only evidence phrases that really occur in the ticket (a model may paraphrase or invent). */
function verified(phrases: string[], lowerText: string): string[] {
  const out: string[] = [];
  for (const raw of phrases) {
    const p = raw.trim().replace(/^["'“‘]+|["'”’.,;:!?]+$/g, '');
    if (p && p.length <= 120 && lowerText.includes(p.toLowerCase()) && !out.includes(p)) out.push(p);
  }
  return out.slice(0, 4);
}

export interface LlmAnalyzerOptions {
  model: BaseChatModel;
  /** e.g. "openai:gpt-4o-mini": recorded as the analyzer version. */
  modelName: string;
  timeoutMs: number;
  concurrency: number;
  fallback?: LocalAnalyzer;
  log?: { warn(o: object, m?: string): void };
}

export type AnalysisWithSource = Analysis & { analyzedBy: { name: string; version: string } };

/** Says which analyzer actually produced each analysis (the LLM, or the local fallback). */
export interface LlmAnalyzer extends Analyzer {
  analyze(t: TicketText): Promise<AnalysisWithSource>;
}

export function createLlmAnalyzer(opts: LlmAnalyzerOptions): LlmAnalyzer {
  const local = opts.fallback ?? createLocalAnalyzer();
  const structured = opts.model.withStructuredOutput(LlmAnalysisSchema, { name: 'ticket_analysis' });
  let running = 0;
  const waiting: (() => void)[] = [];
  const acquire = async () => {
    if (running < opts.concurrency) return void running++;
    await new Promise<void>((r) => waiting.push(r));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  const self = { name: 'llm', version: `1:${opts.modelName}` };

  return {
    ...self,
    async analyze(t) {
      const base = local.analyze(t);
      await acquire();
      try {
        const body = cleanBody(t.body ?? '').slice(0, 6000);
        const signal = AbortSignal.timeout(opts.timeoutMs);
        const raw = await Promise.race([
          structured.invoke(
            [
              ['system', INSTRUCTIONS],
              ['human', `Subject: ${t.subject}\n\n${body}`],
            ],
            { signal },
          ),
          new Promise<never>((_, reject) =>
            signal.addEventListener('abort', () => reject(new Error(`timed out after ${opts.timeoutMs} ms`))),
          ),
        ]);
        const out = LlmAnalysisSchema.parse(raw);
        const [lo, hi] = SENTIMENT_BANDS[out.sentiment.label];
        const score = Math.round(Math.min(hi, Math.max(lo, out.sentiment.score)));
        return {
          sentiment: { label: out.sentiment.label, score },
          category: {
            primary: out.category.primary,
            confidence: Math.round(out.category.confidence * 1000) / 1000,
            secondary: out.category.secondary
              .filter((c) => c !== out.category.primary && c !== 'none')
              .map((c) => ({ category: c, confidence: 0.5 })),
          },
          flags: base.flags,
          explanation: {
            sentiment: verified(out.sentiment.evidence, `${t.subject}\n${body}`.toLowerCase()),
            category: verified(out.category.evidence, `${t.subject}\n${body}`.toLowerCase()),
          },
          analyzedBy: self,
        };
      } catch (err) {
        opts.log?.warn(
          { ticketId: t.id, model: opts.modelName, reason: (err as Error).message.slice(0, 200) },
          'LLM analysis failed; used the local analyzer',
        );
        return { ...base, analyzedBy: { name: 'local:fallback', version: local.version } };
      } finally {
        release();
      }
    },
  };
}

/** Kept for callers that want the band score for a label without a model. */
export { sentimentScore };

/** The analyzer this deployment uses: the LLM one when FINCELO_LLM_PROVIDER is set, else local. */
export async function createAnalyzerFromEnv(
  config: Config,
  log?: { warn(o: object, m?: string): void; info(o: object, m?: string): void },
): Promise<Analyzer> {
  const provider = config.FINCELO_LLM_PROVIDER;
  if (!provider) return createLocalAnalyzer();
  let model: BaseChatModel;
  let name: string;
  if (provider === 'openai') {
    const { ChatOpenAI } = await import('@langchain/openai');
    name = config.FINCELO_LLM_MODEL ?? 'gpt-4o-mini';
    model = new ChatOpenAI({
      model: name,
      apiKey: config.FINCELO_LLM_API_KEY,
      temperature: 0,
      maxRetries: 1,
      configuration: config.FINCELO_LLM_BASE_URL ? { baseURL: config.FINCELO_LLM_BASE_URL } : undefined,
    });
  } else if (provider === 'anthropic') {
    const { ChatAnthropic } = await import('@langchain/anthropic');
    name = config.FINCELO_LLM_MODEL ?? 'claude-3-5-haiku-latest';
    model = new ChatAnthropic({
      model: name,
      apiKey: config.FINCELO_LLM_API_KEY,
      temperature: 0,
      maxRetries: 1,
      ...(config.FINCELO_LLM_BASE_URL ? { anthropicApiUrl: config.FINCELO_LLM_BASE_URL } : {}),
    });
  } else {
    const { ChatOllama } = await import('@langchain/ollama');
    name = config.FINCELO_LLM_MODEL ?? 'llama3.1';
    model = new ChatOllama({ model: name, temperature: 0, baseUrl: config.FINCELO_LLM_BASE_URL });
  }
  log?.info({ provider, model: name }, 'ticket analysis uses an LLM (falls back to the local analyzer)');
  return createLlmAnalyzer({
    model,
    modelName: `${provider}:${name}`,
    timeoutMs: parseDurationMs(config.FINCELO_LLM_TIMEOUT) ?? 20_000,
    concurrency: config.FINCELO_LLM_CONCURRENCY,
    log,
  });
}
