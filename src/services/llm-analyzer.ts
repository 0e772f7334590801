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
  }),
  category: z.object({
    primary: z.enum(CATEGORIES),
    confidence: z.number().min(0).max(1),
    secondary: z.array(z.enum(CATEGORIES)).max(3).default([]),
  }),
});

const INSTRUCTIONS = `You score B2B SaaS customer support tickets for a customer-success team.
Sentiment label, one of: hostile (anger, insults, threats), distressed (anxiety, urgency, business at stake),
frustrated (annoyance, repeated problems, waiting), neutral, positive. Politeness can mask anger; judge the substance.
Sentiment score 0-100: 0 most negative, 50 neutral, 100 most positive, consistent with the label
(hostile 0-19, distressed 20-34, frustrated 35-44, neutral 45-59, positive 60-100).
Category: the primary revenue-risk category, one of ${CATEGORIES.join(', ')} ("none" when no risk),
with a confidence 0-1, and up to three secondary categories. "We are not cancelling" is not a cancellation request.`;

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
