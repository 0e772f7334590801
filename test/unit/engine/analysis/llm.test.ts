import { describe, expect, it } from '@jest/globals';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { createLlmAnalyzer } from '../../../../src/intelligence/llm-analyzer.js';

const ticket = {
  id: 't1',
  subject: 'Cancel',
  body: 'Please cancel our subscription. Our lawyers are reviewing the contract.',
};

describe('LLM analyzer (LangChain fake chat model)', () => {
  it('uses the validated structured output, clamps the score to the label band, keeps local flags', async () => {
    const model = new FakeListChatModel({
      responses: [
        JSON.stringify({
          sentiment: { label: 'distressed', score: 80 },
          category: { primary: 'cancellation_request', confidence: 0.83, secondary: ['legal_threat'] },
        }),
      ],
    });
    const a = createLlmAnalyzer({ model, modelName: 'fake:list', timeoutMs: 5000, concurrency: 2 });
    const r = await a.analyze(ticket);
    expect(r.analyzedBy).toEqual({ name: 'llm', version: '1:fake:list' });
    expect(r.sentiment).toEqual({ label: 'distressed', score: 34 });
    expect(r.category).toEqual({
      primary: 'cancellation_request',
      confidence: 0.83,
      secondary: [{ category: 'legal_threat', confidence: 0.5 }],
    });
    expect(r.flags.map((f) => f.name)).toEqual(['legal_language', 'churn_signal']);
  });

  it('falls back to the local analyzer on output that fails the schema, and records it', async () => {
    const model = new FakeListChatModel({ responses: ['{"sentiment":{"label":"furious","score":3}}'] });
    const warnings: object[] = [];
    const a = createLlmAnalyzer({
      model,
      modelName: 'fake:list',
      timeoutMs: 5000,
      concurrency: 1,
      log: { warn: (o) => warnings.push(o) },
    });
    const r = await a.analyze(ticket);
    expect(r.analyzedBy.name).toBe('local:fallback');
    expect(r.category.primary).toBe('legal_threat');
    expect(warnings).toHaveLength(1);
  });

  it('falls back on a timeout', async () => {
    const model = new FakeListChatModel({ responses: ['{}'], sleep: 2000 });
    const a = createLlmAnalyzer({ model, modelName: 'fake:slow', timeoutMs: 50, concurrency: 1 });
    const r = await a.analyze(ticket);
    expect(r.analyzedBy.name).toBe('local:fallback');
  });

  it('bounds concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const model = new FakeListChatModel({
      responses: Array(6).fill(
        JSON.stringify({
          sentiment: { label: 'neutral', score: 50 },
          category: { primary: 'none', confidence: 0.9 },
        }),
      ),
    });
    const original = model._generate.bind(model);
    model._generate = async (...args: Parameters<typeof original>) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setImmediate(r));
      try {
        return await original(...args);
      } finally {
        inFlight--;
      }
    };
    const a = createLlmAnalyzer({ model, modelName: 'fake:list', timeoutMs: 5000, concurrency: 2 });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => a.analyze({ ...ticket, id: `t${i}` })),
    );
    expect(results.every((r) => r.analyzedBy.name === 'llm')).toBe(true);
    expect(peak).toBeLessThanOrEqual(2);
  });
});
