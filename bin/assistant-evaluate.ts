/**
 * `npm run assistant:evaluate`: measures the shipped intent classifier
 * (subgraphs/assistant/src/nlu/model.json) and prints
 * - whether the artefact's training-data checksums match the data in the
 *   repository (exit code 1 when they do not);
 * - on CLINC150's validation split mapped to the assistant's intents (other
 *   domains and CLINC's out-of-scope utterances as `oos`): in-scope accuracy,
 *   out-of-scope recall and precision, with the shipped threshold and without
 *   one, per-intent accuracy and the most frequent mistakes;
 * - BANKING77 accuracy by stratified 5-fold cross-validation on its training
 *   split (one 77-class model per fold, same featurizer and trainer; takes a
 *   few minutes; `--skip-banking77` leaves it out);
 * - classification latency and classifications per second on one core.
 * These are validation and cross-validation figures, not test figures.
 */
import {
  DEFAULT_HYPERPARAMETERS,
  readArtefact,
  IntentClassifier,
  trainClassifier,
} from '../subgraphs/assistant/src/nlu/classifier.ts';
import {
  banking77Examples,
  clincOutOfScopeValidation,
  OUT_OF_SCOPE,
  trainingDataChecksums,
  validationExamples,
} from '../subgraphs/assistant/src/nlu/data.ts';
import { metrics, score, stratifiedFolds, type Metrics } from '../subgraphs/assistant/src/nlu/evaluation.ts';

const percent = (value: number): string => `${(value * 100).toFixed(2)}%`;
const artefact = readArtefact();
const classifier = IntentClassifier.fromArtefact(artefact);

// Checksums.
const checksums = trainingDataChecksums();
const mismatched = Object.keys({ ...checksums, ...artefact.trainingData }).filter(
  (file) => checksums[file] !== artefact.trainingData[file],
);
console.log(
  mismatched.length === 0
    ? `Artefact ${artefact.format}: training data checksums match the repository (${Object.keys(checksums).join(', ')})`
    : `Artefact ${artefact.format}: training data CHANGED since training: ${mismatched.join(', ')} (run npm run assistant:train)`,
);

// CLINC150 validation.
const validation = validationExamples();
const scored = score(classifier, validation);
const line = (label: string, m: Metrics): string =>
  `${label}: in-scope accuracy ${percent(m.inScopeAccuracy)} (${m.inScopeCorrect}/${m.inScope}), ` +
  `out-of-scope recall ${percent(m.outOfScopeRecall)} and precision ${percent(m.outOfScopePrecision)} (${m.outOfScope} out of scope)`;
const shipped = metrics(scored, classifier.threshold);
console.log(
  `\nCLINC150 validation split, ${validation.length} utterances (targets: in-scope ≥ 93%, out-of-scope recall ≥ 90%)`,
);
console.log(line(`  threshold ${classifier.threshold.toFixed(2)} (shipped)`, shipped));
console.log(line('  no threshold (argmax)   ', metrics(scored, 0)));
const onlyClincOos = metrics(score(classifier, clincOutOfScopeValidation()), classifier.threshold);
console.log(
  `  CLINC150's own out-of-scope utterances alone (${onlyClincOos.outOfScope}): recall ${percent(onlyClincOos.outOfScopeRecall)}`,
);

console.log('\n  In-scope accuracy by intent (validation, shipped threshold):');
const byIntent = new Map<string, [number, number]>();
for (const item of scored) {
  if (item.expected === OUT_OF_SCOPE) continue;
  const counts = byIntent.get(item.expected) ?? [0, 0];
  counts[1]++;
  if (item.confidence >= classifier.threshold && item.predicted === item.expected) counts[0]++;
  byIntent.set(item.expected, counts);
}
const rows = [...byIntent].sort(([, a], [, b]) => a[0] / a[1] - b[0] / b[1]);
for (const [intent, [right, total]] of rows) console.log(`    ${intent.padEnd(18)} ${right}/${total}`);
console.log('\n  Most frequent mistakes (expected → answered; clarify = below the threshold):');
for (const [mistake, count] of [...shipped.errors].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
  console.log(`    ${String(count).padStart(3)}  ${mistake}`);
}

// Latency.
const texts = validation.map((example) => example.text);
for (const text of texts) classifier.classify(text);
const rounds = 5;
const latencies: number[] = [];
const benchStart = performance.now();
for (let round = 0; round < rounds; round++) {
  for (const text of texts) {
    const start = performance.now();
    classifier.classify(text);
    latencies.push(performance.now() - start);
  }
}
const elapsed = (performance.now() - benchStart) / 1000;
latencies.sort((a, b) => a - b);
const quantile = (q: number): string => `${(latencies[Math.floor(q * (latencies.length - 1))]! * 1000).toFixed(0)} µs`;
console.log(
  `\nLatency (one core, ${latencies.length} classifications of validation utterances): ` +
    `${Math.round(latencies.length / elapsed)} classifications/s, median ${quantile(0.5)}, p99 ${quantile(0.99)}, max ${quantile(1)}`,
);

// BANKING77 cross-validation.
if (!process.argv.includes('--skip-banking77')) {
  const examples = banking77Examples();
  const k = 5;
  const folds = stratifiedFolds(examples, k, DEFAULT_HYPERPARAMETERS.seed);
  let correct = 0;
  const started = performance.now();
  console.log(
    `\nBANKING77 training split (${examples.length} utterances, 77 intents), stratified ${k}-fold cross-validation:`,
  );
  for (let fold = 0; fold < k; fold++) {
    const model = trainClassifier(
      examples.filter((_, i) => folds[i] !== fold),
      DEFAULT_HYPERPARAMETERS,
    );
    const heldOut = examples.filter((_, i) => folds[i] === fold);
    const right = heldOut.filter((example) => model.classify(example.text).intent === example.intent).length;
    correct += right;
    console.log(`  fold ${fold + 1}: ${percent(right / heldOut.length)} (${right}/${heldOut.length})`);
  }
  console.log(
    `  ${k}-fold accuracy ${percent(correct / examples.length)} in ${((performance.now() - started) / 1000).toFixed(0)} s ` +
      `(published reference: 93.66%, fine-tuned BERT, on the test split)`,
  );
}

if (mismatched.length > 0) process.exitCode = 1;
