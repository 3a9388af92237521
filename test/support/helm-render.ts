/**
 * A small, strict renderer for the part of Helm's template language that the
 * chart in deploy/helm/bank uses, so CI can check the chart without a helm
 * binary (Debian packages none, and no npm package ships one that installs
 * offline).
 *
 * It follows Go's text/template and Helm where the chart goes, and refuses
 * everything else: an unknown function, action or syntax throws, naming the
 * template and line, rather than rendering something Helm would render
 * differently. Supported:
 *
 * - actions: output, `if`/`else if`/`else`/`end`, `range` (over a list or a
 *   map, in sorted key order, with `$v :=` or `$k, $v :=`), `with`, `define`,
 *   variables (`$x := ...`, `$x = ...`, `$`), comments, `{{-`/`-}}` trimming;
 * - operands: `.`, `.A.b` field chains, `$x.a`, strings, numbers, booleans,
 *   parenthesised pipelines, pipelines with `|`;
 * - functions: include, required, default, quote, toYaml, indent, nindent,
 *   printf (verbs %s and %v only: Helm's numbers are float64 and Go prints
 *   `%d` of one as `%!d(float64=1)`), eq, ne, not, and, or, upper, trunc,
 *   trimSuffix, dict, index.
 *
 * Values are merged as Helm merges them (maps deeply; a null removes a key)
 * and checked, as Helm checks them, against the chart's values.schema.json
 * (with zod's reading of JSON Schema).
 * Files under templates/ whose name starts with `_` only define templates;
 * NOTES.txt is rendered apart, as Helm does.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { z } from 'zod';

type Value = unknown;
type Dict = Record<string, Value>;
const isDict = (v: Value): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A template error, located at `file:line`. */
export class TemplateError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'TemplateError';
  }
}

// ------------------------------------------------------------------ parsing ---

type Token =
  { t: 'str' | 'num' | 'bool' | 'var' | 'field' | 'ident'; v: string } | { t: '(' | ')' | '|' | ',' | ':=' | '=' };

interface Command {
  args: Operand[];
}
type Operand =
  | { kind: 'literal'; value: Value }
  | { kind: 'field'; base: 'dot' | string; path: string[] } // base: 'dot', or a variable name with its $
  | { kind: 'ident'; name: string }
  | { kind: 'pipe'; pipe: Pipeline };
interface Pipeline {
  decl?: { names: string[]; op: ':=' | '=' };
  commands: Command[];
}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'output'; pipe: Pipeline; where: string }
  | { kind: 'if'; branches: { cond: Pipeline; body: Node[] }[]; otherwise: Node[]; where: string }
  | { kind: 'range' | 'with'; pipe: Pipeline; body: Node[]; otherwise: Node[]; where: string };

/** Splits an action's text into tokens. */
function lex(src: string, where: string): Token[] {
  const tokens: Token[] = [];
  const re =
    /\s+|"((?:[^"\\]|\\.)*)"|`([^`]*)`|(-?\d+(?:\.\d+)?)|(\$[A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|((?:\.[A-Za-z_][A-Za-z0-9_]*)+|\.)|([A-Za-z_][A-Za-z0-9_]*)|(:=|[()|,=])/y;
  while (re.lastIndex < src.length) {
    const start = re.lastIndex;
    const m = re.exec(src);
    if (!m) throw new TemplateError(where, `unexpected "${src.slice(start, start + 10)}" in action`);
    if (m[1] !== undefined) tokens.push({ t: 'str', v: JSON.parse(`"${m[1]}"`) as string });
    else if (m[2] !== undefined) tokens.push({ t: 'str', v: m[2] });
    else if (m[3] !== undefined) tokens.push({ t: 'num', v: m[3] });
    else if (m[4] !== undefined) tokens.push({ t: 'var', v: m[4] });
    else if (m[5] !== undefined) tokens.push({ t: 'field', v: m[5] });
    else if (m[6] !== undefined)
      tokens.push(m[6] === 'true' || m[6] === 'false' ? { t: 'bool', v: m[6] } : { t: 'ident', v: m[6] });
    else if (m[7] !== undefined) tokens.push({ t: m[7] as '(' | ')' | '|' | ',' | ':=' | '=' });
  }
  return tokens;
}

/** Parses a pipeline (with an optional `$a[, $b] :=` declaration) from tokens. */
function parsePipeline(tokens: Token[], where: string): Pipeline {
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (message: string): never => {
    throw new TemplateError(where, message);
  };
  let decl: Pipeline['decl'];
  // A declaration: `$x :=`, `$x =`, `$k, $v :=`.
  const declEnd = tokens.findIndex((t) => t.t === ':=' || t.t === '=');
  if (declEnd > 0 && tokens.slice(0, declEnd).every((t, i) => (i % 2 === 0 ? t.t === 'var' : t.t === ','))) {
    const names = tokens.slice(0, declEnd).flatMap((t) => (t.t === 'var' ? [t.v] : []));
    if (names.some((n) => n.includes('.') || n === '$')) fail('cannot assign to a field or to $');
    decl = { names, op: (tokens[declEnd] as { t: ':=' | '=' }).t };
    pos = declEnd + 1;
  }
  const operand = (): Operand => {
    const tok = tokens[pos++];
    if (!tok) return fail('missing operand');
    switch (tok.t) {
      case 'str':
        return { kind: 'literal', value: tok.v };
      case 'num':
        return { kind: 'literal', value: Number(tok.v) };
      case 'bool':
        return { kind: 'literal', value: tok.v === 'true' };
      case 'ident':
        return { kind: 'ident', name: tok.v };
      case 'field':
        return { kind: 'field', base: 'dot', path: tok.v === '.' ? [] : tok.v.slice(1).split('.') };
      case 'var': {
        const [name, ...rest] = tok.v.split('.');
        return { kind: 'field', base: name as string, path: rest };
      }
      case '(': {
        const close = matching(pos - 1);
        const pipe = parsePipeline(tokens.slice(pos, close), where);
        pos = close + 1;
        if (peek()?.t === 'field') fail('field access on a parenthesised pipeline is not supported');
        return { kind: 'pipe', pipe };
      }
      default:
        return fail(`unexpected "${tok.t}"`);
    }
  };
  const matching = (open: number): number => {
    let depth = 0;
    for (let i = open; i < tokens.length; i += 1) {
      if (tokens[i]?.t === '(') depth += 1;
      if (tokens[i]?.t === ')' && --depth === 0) return i;
    }
    return fail('unclosed parenthesis');
  };
  const commands: Command[] = [];
  let args: Operand[] = [];
  while (pos < tokens.length) {
    if (peek()?.t === '|') {
      if (args.length === 0) fail('empty command in pipeline');
      commands.push({ args });
      args = [];
      pos += 1;
    } else {
      args.push(operand());
    }
  }
  if (args.length === 0) fail('empty pipeline');
  commands.push({ args });
  return decl ? { decl, commands } : { commands };
}

interface Parsed {
  nodes: Node[];
  defines: Map<string, Node[]>;
}

/** Parses one template file into nodes, collecting its `define`s. */
function parseTemplate(source: string, file: string): Parsed {
  // Split into text and actions, applying `{{-` and `-}}` trimming.
  const pieces: ({ kind: 'text'; text: string } | { kind: 'action'; raw: string; body: string; where: string })[] = [];
  const re = /\{\{(-\s)?([\s\S]*?)(\s-)?\}\}/g;
  let last = 0;
  let trimNext = false;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    let text = source.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1]) text = text.replace(/\s+$/, '');
    pieces.push({ kind: 'text', text });
    const line = source.slice(0, m.index).split('\n').length;
    pieces.push({ kind: 'action', raw: m[2] ?? '', body: (m[2] ?? '').trim(), where: `${file}:${line}` });
    trimNext = Boolean(m[3]);
    last = m.index + m[0].length;
  }
  let tail = source.slice(last);
  if (trimNext) tail = tail.replace(/^\s+/, '');
  if (tail.includes('{{')) throw new TemplateError(file, 'unclosed action: {{ without }}');
  pieces.push({ kind: 'text', text: tail });

  const defines = new Map<string, Node[]>();
  let index = 0;
  /** Parses nodes until one of `stops` (else, end), which it returns with its action text. */
  const parseList = (stops: string[], opener: string): { nodes: Node[]; stop: string; where: string } => {
    const nodes: Node[] = [];
    while (index < pieces.length) {
      const piece = pieces[index++]!;
      if (piece.kind === 'text') {
        if (piece.text !== '') nodes.push({ kind: 'text', text: piece.text });
        continue;
      }
      const { raw, body, where } = piece;
      if (body.startsWith('/*')) {
        // Go wants the comment right against the delimiters: {{/* */}} or {{- /* */ -}}.
        if (!raw.startsWith('/*') || !raw.endsWith('*/')) throw new TemplateError(where, 'malformed comment');
        continue;
      }
      const keyword = /^([a-z]+)\b\s*([\s\S]*)$/.exec(body);
      const word = keyword?.[1] ?? '';
      const rest = keyword?.[2] ?? '';
      if (word === 'end' || word === 'else') {
        if (!stops.includes(word)) throw new TemplateError(where, `unexpected {{${word}}}`);
        return { nodes, stop: body, where };
      }
      if (word === 'if' || word === 'range' || word === 'with') {
        const pipe = parsePipeline(lex(rest, where), where);
        if (word !== 'range' && pipe.decl) throw new TemplateError(where, `variables in {{${word}}} are not supported`);
        const first = parseList(['else', 'end'], where);
        let stop = first.stop;
        let otherwise: Node[] = [];
        const branches = [{ cond: pipe, body: first.nodes }];
        while (stop.startsWith('else')) {
          const elseIf = /^else\s+if\s+([\s\S]+)$/.exec(stop);
          if (elseIf && word === 'if') {
            const cond = parsePipeline(lex(elseIf[1]!, where), where);
            const next = parseList(['else', 'end'], where);
            branches.push({ cond, body: next.nodes });
            stop = next.stop;
          } else if (stop === 'else') {
            const next = parseList(['end'], where);
            otherwise = next.nodes;
            stop = next.stop;
          } else throw new TemplateError(where, `unsupported {{${stop}}}`);
        }
        nodes.push(
          word === 'if'
            ? { kind: 'if', branches, otherwise, where }
            : { kind: word, pipe, body: first.nodes, otherwise, where },
        );
        continue;
      }
      if (word === 'define') {
        const name = /^"([^"]+)"$/.exec(rest.trim())?.[1];
        if (!name || stops.length > 0) throw new TemplateError(where, 'define takes a quoted name, at top level');
        defines.set(name, parseList(['end'], where).nodes);
        continue;
      }
      if (['template', 'block', 'break', 'continue'].includes(word)) {
        throw new TemplateError(where, `{{${word}}} is not supported by this renderer`);
      }
      nodes.push({ kind: 'output', pipe: parsePipeline(lex(body, where), where), where });
    }
    if (stops.length > 0) throw new TemplateError(opener, 'missing {{end}}');
    return { nodes, stop: '', where: file };
  };
  return { nodes: parseList([], file).nodes, defines };
}

// --------------------------------------------------------------- evaluation ---

/** Go's truth: false, 0, nil, and empty strings, lists and maps are false. */
function truthy(v: Value): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return true;
}

/** How `{{ x }}` prints a value; nil is refused (Helm prints it empty, which hides a misspelt key). */
function print(v: Value, where: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    // Helm's numbers are float64, which Go prints in exponent form from a million up (1e+06) and below 0.0001.
    const size = Math.abs(v);
    if (!Number.isFinite(v) || size >= 1e6 || (size > 0 && size < 1e-4)) {
      throw new TemplateError(where, `Helm prints ${v} in exponent form: quote it in the values`);
    }
    return String(v);
  }
  if (v === undefined || v === null) throw new TemplateError(where, 'printing a missing value (nil)');
  throw new TemplateError(where, `printing a ${Array.isArray(v) ? 'list' : 'map'} directly (use toYaml)`);
}

const indentLines = (n: number, s: string): string => {
  const pad = ' '.repeat(n);
  return pad + s.replace(/\n/g, `\n${pad}`);
};

type Scope = Map<string, Value>[];

class Renderer {
  readonly #defines: Map<string, Node[]>;
  constructor(defines: Map<string, Node[]>) {
    this.#defines = defines;
  }

  /** Renders nodes with `dot` as `.` and `root` as `$`. */
  render(nodes: Node[], dot: Value, scope: Scope): string {
    let out = '';
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          out += node.text;
          break;
        case 'output': {
          const v = this.pipeline(node.pipe, dot, scope, node.where);
          if (!node.pipe.decl) out += print(v, node.where);
          break;
        }
        case 'if': {
          const branch = node.branches.find((b) => truthy(this.pipeline(b.cond, dot, scope, node.where)));
          out += this.render(branch ? branch.body : node.otherwise, dot, [...scope, new Map()]);
          break;
        }
        case 'with': {
          const v = this.pipeline(node.pipe, dot, scope, node.where);
          out += truthy(v)
            ? this.render(node.body, v, [...scope, new Map()])
            : this.render(node.otherwise, dot, [...scope, new Map()]);
          break;
        }
        case 'range': {
          const { decl, ...pipe } = node.pipe;
          const v = this.pipeline(pipe, dot, scope, node.where);
          const entries: [Value, Value][] = Array.isArray(v)
            ? v.map((item, i) => [i, item])
            : isDict(v)
              ? Object.keys(v)
                  .sort()
                  .map((k) => [k, v[k]])
              : v === undefined || v === null
                ? []
                : this.fail(node.where, `range over a ${typeof v}`);
          if (entries.length === 0) out += this.render(node.otherwise, dot, [...scope, new Map()]);
          for (const [key, item] of entries) {
            const frame = new Map<string, Value>();
            if (decl?.op === '=') this.fail(node.where, 'range with = is not supported');
            if (decl?.names.length === 1) frame.set(decl.names[0]!, item);
            if (decl?.names.length === 2) frame.set(decl.names[0]!, key).set(decl.names[1]!, item);
            if (decl && decl.names.length > 2) this.fail(node.where, 'range declares at most two variables');
            out += this.render(node.body, item, [...scope, frame]);
          }
          break;
        }
      }
    }
    return out;
  }

  fail(where: string, message: string): never {
    throw new TemplateError(where, message);
  }

  pipeline(pipe: Pipeline, dot: Value, scope: Scope, where: string): Value {
    let piped: { value: Value } | undefined;
    for (const command of pipe.commands) piped = { value: this.command(command, dot, scope, where, piped) };
    const value = piped?.value;
    if (pipe.decl) {
      const [name] = pipe.decl.names;
      if (pipe.decl.names.length !== 1 || name === undefined) this.fail(where, 'declare one variable at a time');
      if (pipe.decl.op === ':=') scope.at(-1)!.set(name, value);
      else {
        const frame = [...scope].reverse().find((f) => f.has(name));
        if (!frame) this.fail(where, `undefined variable ${name}`);
        frame.set(name, value);
      }
    }
    return value;
  }

  command(command: Command, dot: Value, scope: Scope, where: string, piped?: { value: Value }): Value {
    const [head, ...rest] = command.args;
    if (head?.kind === 'ident') {
      const args = rest.map((a) => this.operand(a, dot, scope, where));
      if (piped) args.push(piped.value);
      return this.call(head.name, args, where);
    }
    if (rest.length > 0 || piped) this.fail(where, "can't give arguments to a non-function");
    return this.operand(head!, dot, scope, where);
  }

  operand(op: Operand, dot: Value, scope: Scope, where: string): Value {
    switch (op.kind) {
      case 'literal':
        return op.value;
      case 'pipe':
        return this.pipeline(op.pipe, dot, scope, where);
      case 'ident':
        // A function named without arguments (`{{ now }}`): only those that take none.
        return this.call(op.name, [], where);
      case 'field': {
        let v: Value = dot;
        if (op.base !== 'dot') {
          const frame = [...scope].reverse().find((f) => f.has(op.base));
          if (!frame) this.fail(where, `undefined variable ${op.base}`);
          v = frame.get(op.base);
        }
        for (const key of op.path) {
          if (!isDict(v))
            this.fail(where, `cannot read .${key} of ${v === undefined || v === null ? 'nil' : typeof v}`);
          v = v[key];
        }
        return v;
      }
    }
  }

  call(name: string, args: Value[], where: string): Value {
    const arity = (min: number, max = min) => {
      if (args.length < min || args.length > max)
        this.fail(where, `${name} takes ${min}${max > min ? `-${max}` : ''} arguments, got ${args.length}`);
    };
    const str = (v: Value, what: string): string =>
      typeof v === 'string' ? v : this.fail(where, `${name}: ${what} must be a string, got ${typeof v}`);
    const int = (v: Value): number =>
      Number.isInteger(v) ? (v as number) : this.fail(where, `${name}: expected an integer`);
    switch (name) {
      case 'include': {
        arity(2);
        const body = this.#defines.get(str(args[0], 'the template name'));
        if (!body) this.fail(where, `include of undefined template "${String(args[0])}"`);
        return this.render(body, args[1], [new Map([['$', args[1]]])]);
      }
      case 'required':
        arity(2);
        if (args[1] === undefined || args[1] === null || args[1] === '') this.fail(where, str(args[0], 'the message'));
        return args[1];
      case 'default':
        arity(2);
        return truthy(args[1]) ? args[1] : args[0];
      case 'quote':
        return args
          .filter((a) => a !== undefined && a !== null)
          .map((a) => JSON.stringify(print(a, where)))
          .join(' ');
      case 'toYaml':
        arity(1);
        return args[0] === undefined || args[0] === null
          ? 'null'
          : stringify(args[0], { sortMapEntries: true }).replace(/\n$/, '');
      case 'indent':
        arity(2);
        return indentLines(int(args[0]), str(args[1], 'the text'));
      case 'nindent':
        arity(2);
        return `\n${indentLines(int(args[0]), str(args[1], 'the text'))}`;
      case 'printf': {
        const format = str(args[0], 'the format');
        let i = 1;
        const text = format.replace(/%(.)/g, (_m, verb: string) => {
          if (verb === '%') return '%';
          if (i >= args.length) this.fail(where, 'printf: missing argument');
          const arg = args[i++];
          if (verb === 's') return str(arg, `argument ${i - 1} of %s`);
          if (verb === 'v') return print(arg, where);
          return this.fail(where, `printf verb %${verb} is not supported (Helm's numbers are float64: use %v)`);
        });
        if (i !== args.length) this.fail(where, 'printf: too many arguments');
        return text;
      }
      case 'eq':
      case 'ne': {
        arity(2, 8);
        for (const a of args) {
          if (a !== undefined && a !== null && typeof a === 'object')
            this.fail(where, `${name} compares only basic values`);
          // Go refuses to compare a string with a number, say, rather than answering false.
          if (a !== undefined && a !== null && args[0] !== undefined && args[0] !== null && typeof a !== typeof args[0])
            this.fail(where, `${name}: incompatible types for comparison`);
        }
        const equal = args.slice(1).some((a) => a === args[0]);
        return name === 'eq' ? equal : !equal;
      }
      case 'not':
        arity(1);
        return !truthy(args[0]);
      case 'and':
        arity(2, 8);
        return args.find((a) => !truthy(a)) ?? args.at(-1);
      case 'or':
        arity(2, 8);
        return args.find((a) => truthy(a)) ?? args.at(-1);
      case 'upper':
        arity(1);
        return str(args[0], 'the text').toUpperCase();
      case 'trunc':
        arity(2);
        return str(args[1], 'the text').slice(0, int(args[0]));
      case 'trimSuffix': {
        arity(2);
        const [suffix, text] = [str(args[0], 'the suffix'), str(args[1], 'the text')];
        return suffix !== '' && text.endsWith(suffix) ? text.slice(0, -suffix.length) : text;
      }
      case 'dict': {
        if (args.length % 2 !== 0) this.fail(where, 'dict takes key/value pairs');
        const out: Dict = {};
        for (let i = 0; i < args.length; i += 2) out[str(args[i], 'a key')] = args[i + 1];
        return out;
      }
      case 'index': {
        arity(2, 8);
        let v = args[0];
        for (const key of args.slice(1)) {
          if (isDict(v)) v = v[str(key, 'a map key')];
          else if (Array.isArray(v)) v = v[int(key)];
          else this.fail(where, 'index of a missing value');
        }
        return v;
      }
      default:
        return this.fail(where, `function "${name}" is not supported by this renderer`);
    }
  }
}

// -------------------------------------------------------------------- chart ---

/** Helm's merge of values: maps merge deeply, anything else replaces, null removes the key. */
export function mergeValues(base: Dict, override: Dict): Dict {
  const out: Dict = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else if (isDict(value) && isDict(out[key])) out[key] = mergeValues(out[key] as Dict, value);
    else out[key] = value;
  }
  return out;
}

export interface RenderOptions {
  /** Value overrides, applied in order over values.yaml (like `-f` files). */
  values?: Dict[];
  release?: { name: string; namespace: string };
}

export interface RenderedChart {
  /** Each manifest template's output, by path under the chart (`templates/x.yaml`). */
  manifests: Record<string, string>;
  notes: string | undefined;
  values: Dict;
}

/** Renders a chart directory as `helm template` would (for the supported subset). */
export function renderChart(chartDir: string, options: RenderOptions = {}): RenderedChart {
  const chart = parse(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8')) as Dict;
  const defaults = (parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) ?? {}) as Dict;
  const values = (options.values ?? []).reduce(mergeValues, defaults);
  // Like Helm, check the merged values against the chart's values.schema.json before rendering.
  const schemaFile = path.join(chartDir, 'values.schema.json');
  if (existsSync(schemaFile)) {
    const checked = z
      .fromJSONSchema(JSON.parse(readFileSync(schemaFile, 'utf8')) as Parameters<typeof z.fromJSONSchema>[0])
      .safeParse(values);
    if (!checked.success) {
      const problems = checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      throw new TemplateError(
        'values.schema.json',
        `the values do not match the chart's schema: ${problems.join('; ')}`,
      );
    }
  }
  const release = options.release ?? { name: 'bank', namespace: 'default' };
  const templatesDir = path.join(chartDir, 'templates');
  const files = readdirSync(templatesDir)
    .filter((f) => /\.(yaml|yml|tpl|txt)$/.test(f))
    .sort();
  const parsed = files.map((f) => ({
    file: f,
    ...parseTemplate(readFileSync(path.join(templatesDir, f), 'utf8'), `templates/${f}`),
  }));
  const defines = new Map(parsed.flatMap((p) => [...p.defines]));
  const renderer = new Renderer(defines);
  const top: Dict = {
    Values: values,
    Release: {
      Name: release.name,
      Namespace: release.namespace,
      Service: 'Helm',
      IsInstall: true,
      IsUpgrade: false,
      Revision: 1,
    },
    // Chart.yaml's keys, capitalised as Helm exposes them (.Chart.Name, .Chart.AppVersion).
    Chart: Object.fromEntries(Object.entries(chart).map(([k, v]) => [k[0]!.toUpperCase() + k.slice(1), v])),
  };
  const manifests: Record<string, string> = {};
  let notes: string | undefined;
  for (const { file, nodes } of parsed) {
    if (file.startsWith('_')) continue;
    const out = renderer.render(nodes, { ...top, Template: { Name: `${String(chart.name)}/templates/${file}` } }, [
      new Map([['$', top]]),
    ]);
    if (file === 'NOTES.txt') notes = out;
    else manifests[`templates/${file}`] = out;
  }
  return { manifests, notes, values };
}

/** Renders a template string alone (the renderer's own tests). */
export function renderString(source: string, dot: Value, defines = ''): string {
  const d = parseTemplate(defines, 'defines').defines;
  const { nodes, defines: own } = parseTemplate(source, 'inline');
  return new Renderer(new Map([...d, ...own])).render(nodes, dot, [new Map([['$', dot]])]);
}
