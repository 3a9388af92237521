/**
 * The assistant's training and validation data, read from the repository's
 * copies in subgraphs/assistant/data (see ATTRIBUTION.md there): CLINC150
 * mapped onto the assistant's intents, the project's own hand-written
 * intents, and BANKING77's training split (only for cross-validation).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data');

/** The files the shipped model is trained from (their SHA-256 goes into the artefact). */
export const TRAINING_DATA_FILES = [
  'clinc150/train-val.json',
  'clinc150/domains.json',
  'assistant-intents.json',
] as const;

/** The label of everything the assistant does not handle. */
export const OUT_OF_SCOPE = 'oos';

/** CLINC150 intents kept under their own names (banking domain, and a few of meta and small_talk). */
export const CLINC_INTENTS = [
  'balance',
  'transactions',
  'spending_history',
  'transfer',
  'bill_due',
  'pay_bill',
  'bill_balance',
  'freeze_account',
  'report_fraud',
  'routing',
  'interest_rate',
  'pin_change',
  'account_blocked',
  'order_checks',
  'min_payment',
  'yes',
  'no',
  'cancel',
  'greeting',
  'goodbye',
  'thank_you',
] as const;

/** CLINC150 intents renamed to one of the assistant's: "what can I ask you" is asking for help. */
export const CLINC_RENAMED: Readonly<Record<string, string>> = { what_can_i_ask_you: 'help' };

/** A labelled utterance. */
export interface Example {
  text: string;
  intent: string;
  /**
   * The class the model is trained on when it differs from the intent: out-of-scope
   * utterances are trained as `oos:<their CLINC150 intent or domain>` sub-classes (one
   * linear class could not cover 129 unrelated intents), merged back into `oos`.
   */
  label?: string;
}

/** How out-of-scope training utterances are split into sub-classes. */
export type OutOfScopeClasses = 'single' | 'domain' | 'intent';

interface ClincFile {
  train: [string, string][];
  val: [string, string][];
  oos_train: [string, string][];
  oos_val: [string, string][];
}

interface OwnIntentsFile {
  description: string;
  intents: Record<string, string[]>;
}

const clincKept = new Set<string>(CLINC_INTENTS);

/** The assistant's intent for a CLINC150 intent: kept, renamed, or out of scope. */
export function assistantIntentOf(clincIntent: string): string {
  if (clincKept.has(clincIntent)) return clincIntent;
  return CLINC_RENAMED[clincIntent] ?? OUT_OF_SCOPE;
}

function readData(file: string): string {
  return readFileSync(path.join(DATA_DIR, file), 'utf8');
}

function clinc(): ClincFile {
  return JSON.parse(readData('clinc150/train-val.json')) as ClincFile;
}

function mapped(pairs: readonly [string, string][], split: OutOfScopeClasses = 'single'): Example[] {
  const domainOf = split === 'domain' ? clincDomains() : new Map<string, string>();
  return pairs.map(([text, clincIntent]) => {
    const intent = assistantIntentOf(clincIntent);
    if (intent !== OUT_OF_SCOPE || split === 'single' || clincIntent === OUT_OF_SCOPE) return { text, intent };
    return { text, intent, label: `${OUT_OF_SCOPE}:${split === 'domain' ? domainOf.get(clincIntent) : clincIntent}` };
  });
}

/** CLINC150 intent → its domain. */
export function clincDomains(): Map<string, string> {
  const domains = JSON.parse(readData('clinc150/domains.json')) as Record<string, string[]>;
  return new Map(Object.entries(domains).flatMap(([domain, intents]) => intents.map((intent) => [intent, domain])));
}

/** The project's own hand-written examples, by intent. */
export function ownIntents(): Record<string, string[]> {
  return (JSON.parse(readData('assistant-intents.json')) as OwnIntentsFile).intents;
}

/** Training set: CLINC150 train (+ its out-of-scope train) mapped, plus the project's own examples. */
export function trainingExamples(split: OutOfScopeClasses = 'domain'): Example[] {
  const data = clinc();
  const own = Object.entries(ownIntents()).flatMap(([intent, texts]) => texts.map((text) => ({ text, intent })));
  return [...mapped(data.train, split), ...mapped(data.oos_train, split), ...own];
}

/** Validation set: CLINC150 val (+ its out-of-scope val) mapped. Never used for training or tuning. */
export function validationExamples(): Example[] {
  const data = clinc();
  return [...mapped(data.val), ...mapped(data.oos_val)];
}

/** CLINC150's own out-of-scope validation utterances (the hardest part of the `oos` validation data). */
export function clincOutOfScopeValidation(): Example[] {
  return mapped(clinc().oos_val);
}

/** Every intent the assistant knows, out of scope last. */
export function assistantIntents(): string[] {
  const intents = new Set<string>([...CLINC_INTENTS, ...Object.values(CLINC_RENAMED), ...Object.keys(ownIntents())]);
  return [...intents, OUT_OF_SCOPE];
}

/** BANKING77's training split (`text,category`, RFC 4180 quoting). */
export function banking77Examples(): Example[] {
  const rows = parseCsv(readData('banking77/train.csv'));
  return rows.slice(1).map(([text, intent]) => ({ text: text ?? '', intent: intent ?? '' }));
}

/** A minimal RFC 4180 CSV parser (quoted fields, doubled quotes, newlines inside quotes). */
export function parseCsv(source: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** SHA-256 (hex) of each training data file, by path under subgraphs/assistant/data. */
export function trainingDataChecksums(): Record<string, string> {
  return Object.fromEntries(
    TRAINING_DATA_FILES.map((file) => [
      file,
      createHash('sha256')
        .update(readFileSync(path.join(DATA_DIR, file)))
        .digest('hex'),
    ]),
  );
}
