/**
 * `npm run assistant:train`: trains the assistant's intent classifier from the
 * repository's copies of the data (subgraphs/assistant/data) and writes the
 * artefact subgraphs/assistant/src/nlu/model.json. Deterministic (fixed seed).
 *
 * The confidence threshold is picked on a held-out fifth of the training data
 * (a model trained on the other four fifths), never on the validation split;
 * the shipped model is then trained on all of the training data.
 */
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_HYPERPARAMETERS, MODEL_PATH, trainClassifier } from '../subgraphs/assistant/src/nlu/classifier.ts';
import {
  CLINC_INTENTS,
  ownIntents,
  trainingDataChecksums,
  trainingExamples,
} from '../subgraphs/assistant/src/nlu/data.ts';
import { metrics, pickThreshold, score, stratifiedFolds } from '../subgraphs/assistant/src/nlu/evaluation.ts';

const started = performance.now();
const hyperparameters = DEFAULT_HYPERPARAMETERS;
const examples = trainingExamples();
const percent = (value: number): string => `${(value * 100).toFixed(2)}%`;

// 1. The threshold, on a held-out fifth of train.
const folds = stratifiedFolds(examples, 5, hyperparameters.seed);
const heldOut = examples.filter((_, i) => folds[i] === 0);
const tuning = trainClassifier(
  examples.filter((_, i) => folds[i] !== 0),
  hyperparameters,
);
const heldOutScores = score(tuning, heldOut);
const threshold = pickThreshold(heldOutScores);
const atThreshold = metrics(heldOutScores, threshold);
console.log(
  `Held-out fifth of train (${heldOut.length} utterances): threshold ${threshold.toFixed(2)}, ` +
    `in-scope accuracy ${percent(atThreshold.inScopeAccuracy)}, out-of-scope recall ${percent(atThreshold.outOfScopeRecall)}`,
);

// The intents only the project's own examples teach (it also adds phrasings to some of CLINC150's).
const own = new Set(
  Object.keys(ownIntents()).filter((intent) => !(CLINC_INTENTS as readonly string[]).includes(intent)),
);
const ownScores = heldOutScores.filter((item) => own.has(item.expected));
const ownRight = ownScores.filter((item) => item.confidence >= threshold && item.predicted === item.expected).length;
console.log(
  `  of which the project's own intents (${[...own].join(', ')}): ${ownRight}/${ownScores.length} right (only help has validation data, through CLINC150’s what_can_i_ask_you)`,
);

// 2. The shipped model, on all of train.
const classifier = trainClassifier(examples, hyperparameters);
const artefact = classifier.toArtefact({
  threshold,
  hyperparameters,
  trainingData: trainingDataChecksums(),
  trainingExamples: examples.length,
});
writeFileSync(MODEL_PATH, `${JSON.stringify(artefact)}\n`);
const seconds = (performance.now() - started) / 1000;
console.log(
  `Trained on ${examples.length} utterances, ${classifier.classes.length} classes (${classifier.intents.length} intents), ` +
    `${classifier.vectorizer.size} features in ${seconds.toFixed(1)} s; wrote ${path.relative(process.cwd(), MODEL_PATH)} ` +
    `(${(statSync(MODEL_PATH).size / 1e6).toFixed(2)} MB)`,
);
