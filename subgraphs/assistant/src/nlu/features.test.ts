/** The featurizer, the CSV reader and the data mapping of the assistant's intent classifier. */
import { extractFeatures, tokenize, Vectorizer } from './features.ts';
import { assistantIntentOf, OUT_OF_SCOPE, parseCsv } from './data.ts';
import { stratifiedFolds } from './evaluation.ts';
import { predictProbabilities, trainSoftmax } from './softmax.ts';

test('tokenize lower-cases, folds accents and apostrophes and keeps numbers and money signs', () => {
  expect(tokenize("What's my Balance? Café, 1,500.50 €")).toEqual(['whats', 'my', 'balance', 'cafe', '1,500.50', '€']);
  expect(tokenize('  ')).toEqual([]);
});

test('features: words, word pairs with sentence ends, character 3-5-grams inside padded words', () => {
  const features = extractFeatures('pay pay 50');
  expect(features.get('w:pay')).toBe(2);
  expect(features.get('w:<num>')).toBe(1);
  expect(features.get('p:<s> pay')).toBe(1);
  expect(features.get('p:pay pay')).toBe(1);
  expect(features.get('p:pay <num>')).toBe(1);
  expect(features.get('p:<num> </s>')).toBe(1);
  expect(features.get('c: pa')).toBe(2);
  expect(features.get('c: pay ')).toBe(2);
  expect(features.get('c:ay ')).toBe(2);
  expect(features.has('c:y p')).toBe(false); // n-grams never cross words
  expect(features.has('c: 50')).toBe(false); // numbers give no character n-grams
});

test('the vectorizer keeps features by document frequency; vectors are sublinear TF-IDF, L2-normalised', () => {
  const vectorizer = Vectorizer.fit(['pay bill', 'pay rent', 'bill'], 2);
  expect(vectorizer.index.has('w:pay')).toBe(true);
  expect(vectorizer.index.has('w:rent')).toBe(false);
  const vector = vectorizer.transform('pay pay bill unknown');
  const norm = Math.hypot(...vector.values);
  expect(norm).toBeCloseTo(1, 6);
  expect([...vector.indices]).toEqual([...vector.indices].sort((a, b) => a - b));
  const pay = vector.values[[...vector.indices].indexOf(vectorizer.index.get('w:pay')!)]!;
  const bill = vector.values[[...vector.indices].indexOf(vectorizer.index.get('w:bill')!)]!;
  // Same IDF (each in 2 of 3 texts); pay counted twice → 1 + ln 2 times bill's weight.
  expect(pay / bill).toBeCloseTo(1 + Math.log(2), 5);
  expect(vectorizer.transform('nothing known').indices).toHaveLength(0);
});

test('softmax training separates two classes and is deterministic', () => {
  const vectorizer = Vectorizer.fit(['pay my bill', 'pay the bill', 'hello there', 'hello you'], 1);
  const texts = ['pay my bill', 'pay the bill', 'hello there', 'hello you'];
  const xs = texts.map((text) => vectorizer.transform(text));
  const options = { epochs: 30, learningRate: 1, l2: 1e-6, seed: 1 };
  const model = trainSoftmax(xs, [0, 0, 1, 1], 2, vectorizer.size, options);
  expect(trainSoftmax(xs, [0, 0, 1, 1], 2, vectorizer.size, options).weights).toEqual(model.weights);
  const probabilities = predictProbabilities(model, vectorizer.transform('bill to pay'), new Float64Array(2));
  expect(probabilities[0]).toBeGreaterThan(0.8);
});

test('CLINC150 intents keep their names, what_can_i_ask_you is help, the rest is out of scope', () => {
  expect(assistantIntentOf('balance')).toBe('balance');
  expect(assistantIntentOf('greeting')).toBe('greeting');
  expect(assistantIntentOf('what_can_i_ask_you')).toBe('help');
  expect(assistantIntentOf('book_flight')).toBe(OUT_OF_SCOPE);
  expect(assistantIntentOf('oos')).toBe(OUT_OF_SCOPE);
});

test('parseCsv reads quoted fields, doubled quotes and CRLF', () => {
  expect(parseCsv('text,category\r\n"a, ""b""",x\nc,y\n')).toEqual([
    ['text', 'category'],
    ['a, "b"', 'x'],
    ['c', 'y'],
  ]);
});

test('stratified folds spread each intent evenly', () => {
  const examples = Array.from({ length: 10 }, (_, i) => ({ text: `${i}`, intent: i < 5 ? 'a' : 'b' }));
  const folds = stratifiedFolds(examples, 5, 1);
  for (let fold = 0; fold < 5; fold++) expect(folds.filter((f) => f === fold)).toHaveLength(2);
});
