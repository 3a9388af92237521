/**
 * Multinomial logistic regression (softmax) over sparse vectors, trained by
 * stochastic gradient descent with L2 regularisation. The L2 decay is kept as
 * one scalar multiplier of the weight matrix (Bottou's trick), so each step
 * only touches the rows of the features present in the example. Deterministic
 * for a given seed.
 */
import type { SparseVector } from './features.ts';

/** Dense weights, row-major by feature: `weights[feature * classCount + class]`. */
export interface SoftmaxWeights {
  classCount: number;
  featureCount: number;
  weights: Float32Array;
  bias: Float32Array;
}

export interface SoftmaxTrainOptions {
  epochs: number;
  /** Initial step; the step at update t is learningRate / (1 + learningRate * l2 * t). */
  learningRate: number;
  l2: number;
  seed: number;
  /** Weight of each class's examples in the loss (e.g. to damp a large out-of-scope class). */
  classWeights?: readonly number[];
}

/** A small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle of 0..n-1 with the given PRNG. */
export function shuffledIndices(n: number, random: () => number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}

/** Class probabilities of one vector, written into `out` (length classCount). */
export function predictProbabilities(model: SoftmaxWeights, x: SparseVector, out: Float64Array): Float64Array {
  const { classCount, weights, bias } = model;
  for (let c = 0; c < classCount; c++) out[c] = bias[c]!;
  for (let k = 0; k < x.indices.length; k++) {
    const row = x.indices[k]! * classCount;
    const value = x.values[k]!;
    for (let c = 0; c < classCount; c++) out[c] = out[c]! + weights[row + c]! * value;
  }
  return softmaxInPlace(out, classCount);
}

function softmaxInPlace(scores: Float64Array, classCount: number): Float64Array {
  let max = -Infinity;
  for (let c = 0; c < classCount; c++) if (scores[c]! > max) max = scores[c]!;
  let sum = 0;
  for (let c = 0; c < classCount; c++) {
    const e = Math.exp(scores[c]! - max);
    scores[c] = e;
    sum += e;
  }
  for (let c = 0; c < classCount; c++) scores[c] = scores[c]! / sum;
  return scores;
}

/** Trains the weights on vectors `xs` with class indices `ys`. */
export function trainSoftmax(
  xs: readonly SparseVector[],
  ys: ArrayLike<number>,
  classCount: number,
  featureCount: number,
  options: SoftmaxTrainOptions,
): SoftmaxWeights {
  const weights = new Float64Array(featureCount * classCount);
  const bias = new Float64Array(classCount);
  const random = seededRandom(options.seed);
  const scores = new Float64Array(classCount);
  let scale = 1;
  let t = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (const i of shuffledIndices(xs.length, random)) {
      const x = xs[i]!;
      const y = ys[i]!;
      const step = options.learningRate / (1 + options.learningRate * options.l2 * t);
      t++;
      // Scores with the current (scaled) weights.
      for (let c = 0; c < classCount; c++) scores[c] = bias[c]!;
      for (let k = 0; k < x.indices.length; k++) {
        const row = x.indices[k]! * classCount;
        const value = x.values[k]! * scale;
        for (let c = 0; c < classCount; c++) scores[c] = scores[c]! + weights[row + c]! * value;
      }
      softmaxInPlace(scores, classCount);
      const sampleWeight = options.classWeights?.[y] ?? 1;
      // Gradient of the cross-entropy: p - onehot(y).
      scores[y] = scores[y]! - 1;
      scale *= 1 - step * options.l2;
      const factor = (step * sampleWeight) / scale;
      for (let k = 0; k < x.indices.length; k++) {
        const row = x.indices[k]! * classCount;
        const value = x.values[k]! * factor;
        for (let c = 0; c < classCount; c++) weights[row + c] = weights[row + c]! - scores[c]! * value;
      }
      for (let c = 0; c < classCount; c++) bias[c] = bias[c]! - step * sampleWeight * scores[c]!;
      if (scale < 1e-6) {
        for (let j = 0; j < weights.length; j++) weights[j] = weights[j]! * scale;
        scale = 1;
      }
    }
  }
  for (let j = 0; j < weights.length; j++) weights[j] = weights[j]! * scale;
  return { classCount, featureCount, weights: Float32Array.from(weights), bias: Float32Array.from(bias) };
}
