import type { Features } from './features.js';

/** Weights of a sparse multinomial logistic regression, as committed in model.json. */
export interface SoftmaxModel {
  classes: string[];
  /** feature → one weight per class */
  weights: Record<string, number[]>;
}

/**
 * The weights as a Map of typed arrays, built once per model: looking names up in the committed
 * JSON object (tens of thousands of keys, a dictionary-mode object) was the analyzer's largest
 * cost (measured with --cpu-prof: ~40 % of scoring time).
 */
const compiled = new WeakMap<SoftmaxModel, Map<string, Float64Array>>();
function weightsOf(model: SoftmaxModel): Map<string, Float64Array> {
  let m = compiled.get(model);
  if (!m) {
    m = new Map(Object.entries(model.weights).map(([f, w]) => [f, Float64Array.from(w)]));
    compiled.set(model, m);
  }
  return m;
}

/** Softmax of the scores `z`, in place order (the same arithmetic as predictProba always used). */
function softmaxOf(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/**
 * Two models that read the same feature vector, scored in one pass with one lookup per feature:
 * the second model sees a view of the features (`viewScale(name)`: the factor its value is scaled
 * by, or 0 when the view drops the feature). Weights sit in one flat array per model, rows found
 * through one Map of feature → row. Same sums in the same order as predictProba(model, view(x)),
 * so the probabilities are identical; it halves the analyzer's scoring time (--cpu-prof).
 */
export interface JointScorer {
  score(x: Features): [number[], number[]];
}

export function jointScorer(
  first: SoftmaxModel,
  second: SoftmaxModel,
  viewScale: (name: string) => number,
): JointScorer {
  const k1 = first.classes.length;
  const k2 = second.classes.length;
  const names = [...new Set([...Object.keys(first.weights), ...Object.keys(second.weights)])];
  // feature → row; a row holds the first model's weights, then the second's for features the
  // view keeps (most features are the first model's only; rows stay short and together).
  const row = new Map<string, number>();
  const offset = new Int32Array(names.length);
  const in1 = new Uint8Array(names.length);
  const scale2 = new Float64Array(names.length);
  let size = 0;
  names.forEach((name, r) => {
    row.set(name, r);
    offset[r] = size;
    if (first.weights[name]) {
      in1[r] = 1;
      size += k1;
    }
    if (second.weights[name]) scale2[r] = viewScale(name);
    if (scale2[r] !== 0) size += k2;
  });
  const w = new Float64Array(size);
  names.forEach((name, r) => {
    let o = offset[r]!;
    const a = first.weights[name];
    if (a) for (let c = 0; c < k1; c++) w[o++] = a[c]!;
    const b = second.weights[name];
    if (b && scale2[r] !== 0) for (let c = 0; c < k2; c++) w[o++] = b[c]!;
  });
  return {
    score(x) {
      const z1 = new Array<number>(k1).fill(0);
      const z2 = new Array<number>(k2).fill(0);
      for (const [name, v] of x) {
        const r = row.get(name);
        if (r === undefined) continue;
        let o = offset[r]!;
        if (in1[r]) for (let c = 0; c < k1; c++) z1[c]! += w[o++]! * v;
        const s = scale2[r]!;
        if (s !== 0) {
          const u = s === 1 ? v : v * s;
          for (let c = 0; c < k2; c++) z2[c]! += w[o++]! * u;
        }
      }
      return [softmaxOf(z1), softmaxOf(z2)];
    },
  };
}

export function predictProba(model: SoftmaxModel, x: Features): number[] {
  const k = model.classes.length;
  const z = new Array<number>(k).fill(0);
  const weights = weightsOf(model);
  for (const [name, v] of x) {
    const w = weights.get(name);
    if (!w) continue;
    for (let c = 0; c < k; c++) z[c]! += w[c]! * v;
  }
  return softmaxOf(z);
}

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  /** Seed for the example order: training is deterministic. */
  seed: number;
  /** Keep features seen in at least this many examples. */
  minCount: number;
}

/**
 * Trains by AdaGrad on the sparse features only (natural's own classifiers build a dense vector
 * over the whole vocabulary per document, which takes minutes on tens of thousands of texts).
 * `weight` per example balances classes and sources.
 */
export function trainSoftmax(
  classes: string[],
  examples: { x: Features; y: number; weight: number }[],
  opt: TrainOptions,
): SoftmaxModel {
  const k = classes.length;
  const counts = new Map<string, number>();
  for (const e of examples) for (const f of e.x.keys()) counts.set(f, (counts.get(f) ?? 0) + 1);
  const W = new Map<string, Float64Array>();
  const G = new Map<string, Float64Array>();
  for (const [f, c] of counts)
    if (c >= opt.minCount || f === 'bias') {
      W.set(f, new Float64Array(k));
      G.set(f, new Float64Array(k).fill(1e-8));
    }
  let seed = opt.seed >>> 0;
  const rnd = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const order = examples.map((_, i) => i);
  for (let epoch = 0; epoch < opt.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const idx of order) {
      const { x, y, weight } = examples[idx]!;
      const z = new Float64Array(k);
      for (const [f, v] of x) {
        const w = W.get(f);
        if (w) for (let c = 0; c < k; c++) z[c]! += w[c]! * v;
      }
      let m = -Infinity;
      for (let c = 0; c < k; c++) m = Math.max(m, z[c]!);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += z[c] = Math.exp(z[c]! - m);
      for (const [f, v] of x) {
        const w = W.get(f);
        if (!w) continue;
        const g = G.get(f)!;
        for (let c = 0; c < k; c++) {
          const grad = weight * (z[c]! / sum - (c === y ? 1 : 0)) * v + opt.l2 * w[c]!;
          g[c]! += grad * grad;
          w[c]! -= (opt.learningRate * grad) / Math.sqrt(g[c]!);
        }
      }
    }
  }
  const weights: Record<string, number[]> = {};
  for (const [f, w] of [...W.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const r = Array.from(w, (v) => Math.round(v * 1e4) / 1e4);
    if (r.some((v) => v !== 0)) weights[f] = r;
  }
  return { classes, weights };
}
