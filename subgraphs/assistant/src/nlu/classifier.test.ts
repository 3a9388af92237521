/**
 * The shipped intent model (model.json): it loads, it was trained on the data
 * in the repository (checksums), and on CLINC150's validation split it still
 * reaches the issue's targets. Evaluates the artefact; never trains. No timing
 * asserts: latency is measured by `npm run assistant:evaluate`.
 */
import { classify, IntentClassifier, MODEL_FORMAT, readArtefact, shippedClassifier } from './classifier.ts';
import { assistantIntents, OUT_OF_SCOPE, trainingDataChecksums, validationExamples } from './data.ts';
import { metrics, score } from './evaluation.ts';

const artefact = readArtefact();

test('the artefact has the current format, every intent and a threshold between 0 and 1', () => {
  expect(artefact.format).toBe(MODEL_FORMAT);
  expect(new Set(shippedClassifier().intents)).toEqual(new Set(assistantIntents()));
  expect(artefact.threshold).toBeGreaterThan(0);
  expect(artefact.threshold).toBeLessThan(1);
});

test('the artefact was trained on the data in the repository (SHA-256 of each file)', () => {
  expect(artefact.trainingData).toEqual(trainingDataChecksums());
});

test('on the CLINC150 validation split: in-scope accuracy ≥ 93%, out-of-scope recall ≥ 90%', () => {
  const m = metrics(score(shippedClassifier(), validationExamples()), artefact.threshold);
  expect(m.inScope).toBe(440);
  expect(m.outOfScope).toBe(2660);
  expect(m.inScopeAccuracy).toBeGreaterThanOrEqual(0.93);
  expect(m.outOfScopeRecall).toBeGreaterThanOrEqual(0.9);
});

test('classify answers the intent, its probability, whether to ask, and a ranking', () => {
  const result = classify('what is the balance of my checking account');
  expect(result.intent).toBe('balance');
  expect(result.confidence).toBeGreaterThan(artefact.threshold);
  expect(result.clarify).toBe(false);
  expect(result.ranked[0]).toEqual({ intent: 'balance', confidence: result.confidence });
  expect(result.ranked).toHaveLength(5);
  const total = [...shippedClassifier().probabilitiesOf('anything at all')].reduce((sum, p) => sum + p, 0);
  expect(total).toBeCloseTo(1, 6);
});

test.each([
  ['has my loan been approved yet', 'loan_status'],
  ['when is my next loan installment due', 'next_installment'],
  ['how much would it cost to borrow 10000 over 3 years', 'loan_quote'],
  ['let me speak to a real person', 'talk_to_human'],
  ['what can you do', 'help'],
  ['how do i make a pizza', OUT_OF_SCOPE],
])('%s → %s', (text, intent) => {
  expect(classify(text).intent).toBe(intent);
});

test('below the threshold the classifier asks instead of guessing', () => {
  const classifier = IntentClassifier.fromArtefact({ ...artefact, threshold: 1 });
  expect(classifier.classify('transfer money to savings').clarify).toBe(true);
});

test('an artefact of another format is refused', () => {
  expect(() => IntentClassifier.fromArtefact({ ...artefact, format: 'other/0' })).toThrow(/Unsupported/);
});
