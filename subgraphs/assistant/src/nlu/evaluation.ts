/**
 * Measures an intent classifier the way CLINC150 does: in-scope accuracy
 * (an in-scope utterance counts only when its intent is right and confident)
 * and out-of-scope recall and precision (an utterance counts as out of scope
 * when the model says `oos` or is below the confidence threshold, since the
 * assistant then asks instead of acting). Also picks a threshold and splits
 * data into deterministic stratified folds.
 */
import type { Example } from './data.ts';
import { OUT_OF_SCOPE } from './data.ts';
import type { IntentClassifier } from './classifier.ts';
import { seededRandom, shuffledIndices } from './softmax.ts';

/** One scored utterance: the true intent, the best guess and its probability. */
export interface Scored {
  expected: string;
  predicted: string;
  confidence: number;
}

export interface Metrics {
  inScope: number;
  inScopeCorrect: number;
  inScopeAccuracy: number;
  outOfScope: number;
  outOfScopeRecall: number;
  outOfScopePrecision: number;
  /** Counts of (expected → answered) mistakes, answered `oos` or `clarify` included. */
  errors: Map<string, number>;
}

export function score(classifier: IntentClassifier, examples: readonly Example[]): Scored[] {
  return examples.map((example) => {
    const result = classifier.classify(example.text);
    return { expected: example.intent, predicted: result.intent, confidence: result.confidence };
  });
}

/** The answer with a threshold: below it the assistant asks (`clarify`). */
export function answerOf(scored: Scored, threshold: number): string {
  return scored.confidence < threshold ? 'clarify' : scored.predicted;
}

export function metrics(scored: readonly Scored[], threshold: number): Metrics {
  let inScope = 0;
  let inScopeCorrect = 0;
  let outOfScope = 0;
  let outOfScopeCaught = 0;
  let answeredOutOfScope = 0;
  const errors = new Map<string, number>();
  for (const item of scored) {
    const answer = answerOf(item, threshold);
    const saysOutOfScope = answer === OUT_OF_SCOPE || answer === 'clarify';
    if (saysOutOfScope) answeredOutOfScope++;
    if (item.expected === OUT_OF_SCOPE) {
      outOfScope++;
      if (saysOutOfScope) outOfScopeCaught++;
    } else {
      inScope++;
      if (answer === item.expected) inScopeCorrect++;
    }
    const isRight = item.expected === OUT_OF_SCOPE ? saysOutOfScope : answer === item.expected;
    if (!isRight) {
      const key = `${item.expected} → ${answer}`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
  }
  return {
    inScope,
    inScopeCorrect,
    inScopeAccuracy: inScope === 0 ? 0 : inScopeCorrect / inScope,
    outOfScope,
    outOfScopeRecall: outOfScope === 0 ? 0 : outOfScopeCaught / outOfScope,
    outOfScopePrecision: answeredOutOfScope === 0 ? 0 : (outOfScope === 0 ? 0 : outOfScopeCaught) / answeredOutOfScope,
    errors,
  };
}

/**
 * The confidence threshold, from held-out scores. Below it the assistant asks
 * instead of acting: each step up turns more out-of-scope questions into
 * questions back (recall) but also some right answers. The threshold is the
 * highest (candidates 0.00-0.95 by 0.01) that costs at most `maxAnswersLost`
 * of in-scope accuracy against answering everything (0.25 points by default).
 */
export function pickThreshold(scored: readonly Scored[], maxAnswersLost = 0.0025): number {
  const answeringAll = metrics(scored, 0).inScopeAccuracy;
  let best = 0;
  for (let step = 0; step <= 95; step++) {
    const threshold = step / 100;
    if (metrics(scored, threshold).inScopeAccuracy >= answeringAll - maxAnswersLost - 1e-12) best = threshold;
  }
  return best;
}

/** Deterministic stratified k-fold split: fold number of each example. */
export function stratifiedFolds(examples: readonly Example[], k: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const fold = new Int32Array(examples.length);
  const byIntent = new Map<string, number[]>();
  examples.forEach((example, i) => {
    const list = byIntent.get(example.intent) ?? [];
    list.push(i);
    byIntent.set(example.intent, list);
  });
  let offset = 0;
  for (const intent of [...byIntent.keys()].sort()) {
    const members = byIntent.get(intent)!;
    const order = shuffledIndices(members.length, random);
    order.forEach((position, rank) => {
      fold[members[position]!] = (rank + offset) % k;
    });
    offset += members.length;
  }
  return fold;
}
