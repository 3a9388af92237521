/**
 * The assistant's featurizer: turns an utterance into a sparse TF-IDF vector
 * over word unigrams, word pairs and character 3-5-grams taken inside each
 * word padded with spaces (so `" pin "` gives `" pi"`, `"pin"`, `"in "`, …).
 * Term frequencies are sublinear (1 + ln tf), weighted by a smoothed IDF and
 * the whole vector is L2-normalised. Plain TypeScript, no dependency: the
 * same code runs in training (bin/assistant-train.ts) and at run time.
 */

/** A sparse vector: feature indices (ascending) and their values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

/** How the text is cut into features. */
export interface FeatureOptions {
  /** Shortest and longest character n-gram, inside padded words. */
  charMin: number;
  charMax: number;
  /** Whether word pairs are features. */
  wordPairs: boolean;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = { charMin: 3, charMax: 5, wordPairs: true };

/**
 * Lower-cases, folds accents and apostrophes, keeps letters, digits and a few
 * money signs, and splits on everything else. Numbers become their own token
 * and also the shape token `<num>` so "borrow 5000" and "borrow 7500" share it.
 */
export function tokenize(text: string): string[] {
  const folded = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’'`]/g, '');
  const tokens: string[] = [];
  for (const match of folded.matchAll(/[a-z]+|[0-9]+(?:[.,][0-9]+)*|[$€£%]/g)) {
    tokens.push(match[0]);
  }
  return tokens;
}

/**
 * The raw features of an utterance with their counts. Keys are prefixed by
 * kind (`w:` word, `p:` pair, `c:` character n-gram) so they never collide.
 */
export function extractFeatures(text: string, options: FeatureOptions = DEFAULT_FEATURE_OPTIONS): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string): void => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  const tokens = tokenize(text);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const isNumber = /^[0-9]/.test(token);
    add(`w:${isNumber ? '<num>' : token}`);
    if (options.wordPairs) {
      const previous = i === 0 ? '<s>' : tokens[i - 1]!;
      add(`p:${/^[0-9]/.test(previous) ? '<num>' : previous} ${isNumber ? '<num>' : token}`);
    }
    if (isNumber) continue;
    const padded = ` ${token} `;
    for (let n = options.charMin; n <= options.charMax; n++) {
      for (let start = 0; start + n <= padded.length; start++) add(`c:${padded.slice(start, start + n)}`);
    }
  }
  if (options.wordPairs && tokens.length > 0) {
    const last = tokens[tokens.length - 1]!;
    add(`p:${/^[0-9]/.test(last) ? '<num>' : last} </s>`);
  }
  return counts;
}

/** A fitted vocabulary: feature key → column, and each column's IDF. */
export class Vectorizer {
  readonly index: Map<string, number>;
  readonly idf: Float32Array;
  readonly options: FeatureOptions;

  constructor(features: readonly string[], idf: ArrayLike<number>, options: FeatureOptions) {
    this.index = new Map(features.map((feature, column) => [feature, column]));
    this.idf = Float32Array.from(idf);
    this.options = options;
  }

  /** Number of columns. */
  get size(): number {
    return this.idf.length;
  }

  /**
   * Learns the vocabulary from training texts: keeps features seen in at least
   * `minDocumentFrequency` texts; IDF = ln((1 + n) / (1 + df)) + 1.
   */
  static fit(texts: readonly string[], minDocumentFrequency: number, options = DEFAULT_FEATURE_OPTIONS): Vectorizer {
    const documentFrequency = new Map<string, number>();
    for (const text of texts) {
      for (const key of extractFeatures(text, options).keys()) {
        documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1);
      }
    }
    const kept = [...documentFrequency]
      .filter(([, df]) => df >= minDocumentFrequency)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const n = texts.length;
    return new Vectorizer(
      kept.map(([key]) => key),
      kept.map(([, df]) => Math.log((1 + n) / (1 + df)) + 1),
      options,
    );
  }

  /** The L2-normalised sublinear TF-IDF vector of a text (unknown features are dropped). */
  transform(text: string): SparseVector {
    const entries: [number, number][] = [];
    for (const [key, count] of extractFeatures(text, this.options)) {
      const column = this.index.get(key);
      if (column !== undefined) entries.push([column, (1 + Math.log(count)) * this.idf[column]!]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    let norm = 0;
    for (const [, value] of entries) norm += value * value;
    norm = Math.sqrt(norm) || 1;
    return {
      indices: Int32Array.from(entries, ([column]) => column),
      values: Float32Array.from(entries, ([, value]) => value / norm),
    };
  }
}
