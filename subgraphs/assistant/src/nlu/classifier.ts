/**
 * The assistant's intent classifier: TF-IDF features (features.ts) and a
 * softmax model (softmax.ts), loaded once from the shipped artefact
 * `model.json` (written by `npm run assistant:train`). Runs in-process on
 * CPU with no network call. `classify(text)` answers the most likely intent,
 * its probability and the ranking; below the artefact's confidence threshold
 * `clarify` is true and the assistant should ask rather than guess.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Vectorizer, type FeatureOptions } from './features.ts';
import { predictProbabilities, trainSoftmax, type SoftmaxWeights } from './softmax.ts';
import { OUT_OF_SCOPE, type Example } from './data.ts';

/** The artefact's format; bump when the layout or the featurizer changes. */
export const MODEL_FORMAT = 'bank-assistant-intent-model/1';

export const MODEL_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'model.json');

/** Everything that decides the trained model, recorded in the artefact. */
export interface Hyperparameters {
  features: FeatureOptions;
  minDocumentFrequency: number;
  epochs: number;
  learningRate: number;
  l2: number;
  /** Loss weight of out-of-scope examples (they outnumber each in-scope intent ~100 to 1). */
  outOfScopeWeight: number;
  seed: number;
}

export const DEFAULT_HYPERPARAMETERS: Hyperparameters = {
  features: { charMin: 3, charMax: 5, wordPairs: true },
  minDocumentFrequency: 2,
  epochs: 20,
  learningRate: 2,
  l2: 1e-6,
  outOfScopeWeight: 0.005,
  seed: 12,
};

/** The shipped JSON artefact. */
export interface ModelArtefact {
  format: string;
  description: string;
  /** The trained classes; `oos:<domain>` sub-classes all mean `oos`. */
  classes: string[];
  /** Below this probability the assistant asks a clarifying question. */
  threshold: number;
  hyperparameters: Hyperparameters;
  /** SHA-256 of each training data file (paths under subgraphs/assistant/data). */
  trainingData: Record<string, string>;
  trainingExamples: number;
  features: string[];
  idf: number[];
  bias: number[];
  /** Per-intent scale of the int8 weights: weight = byte * scale. */
  weightScales: number[];
  /** Int8 weights, row-major by feature (features × classes), base64. */
  weights: string;
}

export interface RankedIntent {
  intent: string;
  confidence: number;
}

export interface Classification {
  /** The most likely intent (`oos` when the utterance is out of scope). */
  intent: string;
  /** Its probability, 0-1. */
  confidence: number;
  /** True when confidence is below the threshold: ask a clarifying question instead of acting. */
  clarify: boolean;
  /** The five most likely intents, most likely first. */
  ranked: RankedIntent[];
}

/** The intent a trained class stands for: `oos:<anything>` sub-classes are `oos`. */
export function intentOfClass(trainedClass: string): string {
  return trainedClass.startsWith(`${OUT_OF_SCOPE}:`) ? OUT_OF_SCOPE : trainedClass;
}

export class IntentClassifier {
  /** The classes the model was trained on (out-of-scope sub-classes included). */
  readonly classes: readonly string[];
  /** The intents it answers (sub-classes merged into `oos`). */
  readonly intents: readonly string[];
  readonly vectorizer: Vectorizer;
  readonly model: SoftmaxWeights;
  threshold: number;
  private readonly intentOf: Int32Array;
  private readonly classProbabilities: Float64Array;

  constructor(classes: readonly string[], vectorizer: Vectorizer, model: SoftmaxWeights, threshold = 0) {
    this.classes = classes;
    this.intents = [...new Set(classes.map(intentOfClass))];
    this.intentOf = Int32Array.from(classes, (trainedClass) => this.intents.indexOf(intentOfClass(trainedClass)));
    this.vectorizer = vectorizer;
    this.model = model;
    this.threshold = threshold;
    this.classProbabilities = new Float64Array(classes.length);
  }

  /** Probability of every intent, in `intents` order. */
  probabilitiesOf(text: string): Float64Array {
    const perClass = predictProbabilities(this.model, this.vectorizer.transform(text), this.classProbabilities);
    const perIntent = new Float64Array(this.intents.length);
    for (let c = 0; c < perClass.length; c++)
      perIntent[this.intentOf[c]!] = perIntent[this.intentOf[c]!]! + perClass[c]!;
    return perIntent;
  }

  classify(text: string): Classification {
    const probabilities = this.probabilitiesOf(text);
    const ranked = [...probabilities]
      .map((confidence, c) => ({ intent: this.intents[c]!, confidence }))
      .sort((a, b) => b.confidence - a.confidence)
      .slice(0, 5);
    const best = ranked[0]!;
    return { intent: best.intent, confidence: best.confidence, clarify: best.confidence < this.threshold, ranked };
  }

  /** The artefact of this classifier (weights quantized to int8 per intent). */
  toArtefact(meta: {
    threshold: number;
    hyperparameters: Hyperparameters;
    trainingData: Record<string, string>;
    trainingExamples: number;
  }): ModelArtefact {
    const { classCount, featureCount, weights, bias } = this.model;
    const scales = Array.from({ length: classCount }, (_, c) => {
      let max = 0;
      for (let j = 0; j < featureCount; j++) max = Math.max(max, Math.abs(weights[j * classCount + c]!));
      return max / 127 || 1;
    });
    const bytes = new Int8Array(weights.length);
    for (let j = 0; j < featureCount; j++) {
      for (let c = 0; c < classCount; c++)
        bytes[j * classCount + c] = Math.round(weights[j * classCount + c]! / scales[c]!);
    }
    const features = [...this.vectorizer.index.keys()];
    return {
      format: MODEL_FORMAT,
      description:
        'Intent classifier of the banking assistant: sublinear TF-IDF over words, word pairs and character 3-5-grams, softmax regression. Trained by npm run assistant:train from CLINC150 (CC BY 3.0), the project’s own examples; see subgraphs/assistant/data/ATTRIBUTION.md.',
      classes: [...this.classes],
      threshold: meta.threshold,
      hyperparameters: meta.hyperparameters,
      trainingData: meta.trainingData,
      trainingExamples: meta.trainingExamples,
      features,
      idf: Array.from(this.vectorizer.idf, (value) => Math.round(value * 1e4) / 1e4),
      bias: Array.from(bias, (value) => Math.round(value * 1e4) / 1e4),
      weightScales: scales.map((scale) => Number(scale.toPrecision(6))),
      weights: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    };
  }

  static fromArtefact(artefact: ModelArtefact): IntentClassifier {
    if (artefact.format !== MODEL_FORMAT) {
      throw new Error(`Unsupported intent model format ${artefact.format} (expected ${MODEL_FORMAT})`);
    }
    const classCount = artefact.classes.length;
    const featureCount = artefact.features.length;
    const bytes = new Int8Array(Buffer.from(artefact.weights, 'base64'));
    if (bytes.length !== classCount * featureCount) throw new Error('Intent model weights do not match its features');
    const weights = new Float32Array(bytes.length);
    for (let j = 0; j < featureCount; j++) {
      for (let c = 0; c < classCount; c++)
        weights[j * classCount + c] = bytes[j * classCount + c]! * artefact.weightScales[c]!;
    }
    const vectorizer = new Vectorizer(artefact.features, artefact.idf, artefact.hyperparameters.features);
    const model = { classCount, featureCount, weights, bias: Float32Array.from(artefact.bias) };
    return new IntentClassifier(artefact.classes, vectorizer, model, artefact.threshold);
  }
}

/** Trains a classifier in memory (no threshold yet) on labelled examples. */
export function trainClassifier(
  examples: readonly Example[],
  hyperparameters: Hyperparameters = DEFAULT_HYPERPARAMETERS,
): IntentClassifier {
  const classes = [...new Set(examples.map((example) => example.label ?? example.intent))].sort();
  const column = new Map(classes.map((trainedClass, c) => [trainedClass, c]));
  const vectorizer = Vectorizer.fit(
    examples.map((example) => example.text),
    hyperparameters.minDocumentFrequency,
    hyperparameters.features,
  );
  const xs = examples.map((example) => vectorizer.transform(example.text));
  const ys = Int32Array.from(examples, (example) => {
    return column.get(example.label ?? example.intent)!;
  });
  const classWeights = classes.map((trainedClass) =>
    intentOfClass(trainedClass) === OUT_OF_SCOPE ? hyperparameters.outOfScopeWeight : 1,
  );
  const model = trainSoftmax(xs, ys, classes.length, vectorizer.size, {
    epochs: hyperparameters.epochs,
    learningRate: hyperparameters.learningRate,
    l2: hyperparameters.l2,
    seed: hyperparameters.seed,
    classWeights,
  });
  return new IntentClassifier(classes, vectorizer, model);
}

/** Reads an artefact file. */
export function readArtefact(file = MODEL_PATH): ModelArtefact {
  return JSON.parse(readFileSync(file, 'utf8')) as ModelArtefact;
}

let shipped: IntentClassifier | undefined;

/** The shipped classifier, loaded once. */
export function shippedClassifier(): IntentClassifier {
  shipped ??= IntentClassifier.fromArtefact(readArtefact());
  return shipped;
}

/** Classifies an utterance with the shipped model. */
export function classify(text: string): Classification {
  return shippedClassifier().classify(text);
}
