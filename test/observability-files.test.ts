/**
 * Checks of the observability files (deploy/observability): the Prometheus
 * alert rules, the scrape configuration and the Grafana dashboard.
 *
 * No Prometheus or Grafana runs here. Instead every PromQL expression (each
 * rule, each panel target, each dashboard variable) is parsed with
 * Prometheus's own Lezer grammar, and every metric it names must be one the
 * services export: in platform/metrics-catalogue.ts (with the labels it
 * declares, on the services it declares) or among prom-client's default
 * process metrics, or Prometheus's `up`. Another test proves, against live
 * services, that the catalogue is what they export; together they prove that
 * no alert or panel watches a metric that does not exist. When `promtool` is
 * on the PATH (CI installs Debian's `prometheus` package) it checks the rules
 * and the scrape configuration as well.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parser } from '@prometheus-io/lezer-promql';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse } from 'yaml';
import { METRICS, type MetricDefinition, type MetricScope } from '../platform/metrics-catalogue.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const observability = path.join(root, 'deploy', 'observability');
const read = (file: string): string => readFileSync(path.join(observability, file), 'utf8');

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

// ------------------------------------------------------- what is exported ---

const SUBGRAPHS = ['identity', 'banking', 'billing', 'lending', 'messaging', 'assistant'];
const SERVICES = ['router', ...SUBGRAPHS];
const SCOPE_SERVICES: Record<MetricScope, readonly string[]> = {
  all: SERVICES,
  router: ['router'],
  subgraphs: SUBGRAPHS,
  banking: ['banking'],
  billing: ['billing'],
  lending: ['lending'],
  identity: ['identity'],
};
/** Labels every series has: `service` from the services, `job` and `instance` from Prometheus. */
const BASE_LABELS = ['service', 'job', 'instance'];

/** A series name an expression may select, and what it may be filtered and grouped by. */
interface Exported {
  /** The catalogue's name, or prom-client's, or `up`. */
  metric: string;
  /** Label names; null: not checked (prom-client's defaults). */
  labels: readonly string[] | null;
  services: readonly string[];
}

const exported = new Map<string, Exported>();
for (const def of Object.values(METRICS) as MetricDefinition[]) {
  const entry = (labels: readonly string[]): Exported => ({
    metric: def.name,
    labels: [...BASE_LABELS, ...labels],
    services: SCOPE_SERVICES[def.scope],
  });
  if (def.type === 'histogram') {
    exported.set(`${def.name}_bucket`, entry([...def.labels, 'le']));
    exported.set(`${def.name}_sum`, entry(def.labels));
    exported.set(`${def.name}_count`, entry(def.labels));
  } else {
    exported.set(def.name, entry(def.labels));
  }
}
// prom-client's default metrics, which every service collects, named as this prom-client version names them.
const defaults = new Registry();
collectDefaultMetrics({ register: defaults });
for (const metric of await defaults.getMetricsAsJSON()) {
  const names =
    String(metric.type) === 'histogram'
      ? [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`]
      : [metric.name];
  for (const name of names) exported.set(name, { metric: metric.name, labels: null, services: SERVICES });
}
defaults.clear();
// Written by Prometheus for every target (prometheus.yml gives bank targets their `service`).
exported.set('up', { metric: 'up', labels: BASE_LABELS, services: SERVICES });

// -------------------------------------------------------- PromQL analysis ---

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

interface Matcher {
  label: string;
  op: string;
  value: string;
}
interface Selector {
  metric: string | undefined;
  matchers: Matcher[];
}
interface Analysis {
  /** Syntax errors, with where they are. */
  errors: string[];
  selectors: Selector[];
  /** Labels of by (...), without (...), on (...), ignoring (...), group_left (...). */
  grouping: string[];
}

/** Unquotes a PromQL string literal ("...", '...' or `...`). */
function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  return literal.startsWith('`') ? body : body.replace(/\\(.)/g, '$1');
}

/** Parses one expression with Prometheus's grammar: its errors, selectors and grouping labels. */
function analyse(expr: string): Analysis {
  const tree = parser.parse(expr);
  const analysis: Analysis = { errors: [], selectors: [], grouping: [] };
  const text = (node: SyntaxNode) => expr.slice(node.from, node.to);
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError) {
        analysis.errors.push(`syntax error at ${ref.from}: ${JSON.stringify(expr.slice(ref.from, ref.from + 20))}`);
        return;
      }
      const node = ref.node;
      if (node.name === 'GroupingLabels') {
        for (const label of node.getChildren('LabelName')) analysis.grouping.push(text(label));
      }
      if (node.name !== 'VectorSelector') return;
      const matchers: Matcher[] = [];
      const list = node.getChild('LabelMatchers');
      for (const child of list
        ? [...list.getChildren('UnquotedLabelMatcher'), ...list.getChildren('QuotedLabelMatcher')]
        : []) {
        const label = child.getChild('LabelName');
        const op = child.getChild('MatchOp');
        const value = child.getChild('StringLiteral');
        if (child.name !== 'UnquotedLabelMatcher' || !label || !op || !value) {
          analysis.errors.push(`unsupported label matcher ${text(child)}`);
          continue;
        }
        matchers.push({ label: text(label), op: text(op), value: unquote(text(value)) });
      }
      const identifier = node.getChild('Identifier');
      const byName = matchers.find((m) => m.label === '__name__' && m.op === '=');
      analysis.selectors.push({
        metric: identifier ? text(identifier) : byName?.value,
        matchers: matchers.filter((m) => m.label !== '__name__'),
      });
    },
  });
  return analysis;
}

/** The services a `service` matcher names, or null when it names none literally (a variable, a negation). */
function servicesNamed(matcher: Matcher): string[] | null {
  if (matcher.label !== 'service' || matcher.value.includes('$')) return null;
  if (matcher.op === '=') return [matcher.value];
  if (matcher.op === '=~' && /^[a-z|]+$/.test(matcher.value)) return matcher.value.split('|');
  return null;
}

/**
 * Everything wrong with one expression: syntax, metrics that are not
 * exported, labels those metrics do not have, services that do not carry
 * them, jobs the scrape configuration does not define.
 */
function problemsOf(expr: string, jobs: readonly string[]): string[] {
  const { errors, selectors, grouping } = analyse(expr);
  const problems = [...errors];
  if (selectors.length === 0 && errors.length === 0) problems.push('selects no metric');
  const known = new Set<string>(['le']);
  for (const { metric, matchers } of selectors) {
    const found = metric === undefined ? undefined : exported.get(metric);
    if (found === undefined) {
      problems.push(metric === undefined ? 'a selector without a metric name' : `${metric} is not exported`);
      continue;
    }
    for (const label of found.labels ?? []) known.add(label);
    for (const matcher of matchers) {
      if (found.labels !== null && !found.labels.includes(matcher.label))
        problems.push(`${metric} has no label ${matcher.label}`);
      for (const service of servicesNamed(matcher) ?? []) {
        if (!found.services.includes(service)) problems.push(`${service} does not export ${found.metric}`);
      }
      if (matcher.label === 'job' && matcher.op === '=' && !jobs.includes(matcher.value))
        problems.push(`no scrape job ${matcher.value}`);
    }
    if (found.labels === null) known.add('*');
  }
  if (!known.has('*')) {
    for (const label of grouping) if (!known.has(label)) problems.push(`no metric here has the label ${label}`);
  }
  return problems;
}

// ------------------------------------------------------------- the files ---

const prometheusConfig: unknown = parse(read('prometheus/prometheus.yml'));
if (!isDict(prometheusConfig)) throw new Error('prometheus.yml is not a map');
const scrapeConfigs = asList(prometheusConfig.scrape_configs).filter(isDict);
const jobs = scrapeConfigs.map((c) => String(c.job_name));

const ruleFiles = readdirSync(path.join(observability, 'prometheus', 'rules'))
  .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
  .map((f) => path.join('prometheus', 'rules', f));

interface Rule {
  file: string;
  group: string;
  name: string;
  rule: Dict;
}
const rules: Rule[] = ruleFiles.flatMap((file) => {
  const doc: unknown = parse(read(file));
  if (!isDict(doc)) throw new Error(`${file} is not a map`);
  return asList(doc.groups).flatMap((group) => {
    if (!isDict(group)) throw new Error(`${file}: a group is not a map`);
    return asList(group.rules).map((rule) => {
      if (!isDict(rule)) throw new Error(`${file}: a rule is not a map`);
      return { file, group: String(group.name), name: String(rule.alert ?? rule.record), rule };
    });
  });
});
const alerts = rules.filter((r) => r.rule.alert !== undefined);
/** promtool's unit tests of the alerts (`promtool test rules`): their made-up series must be real metrics too. */
const alertTestFiles = readdirSync(path.join(observability, 'prometheus', 'tests'))
  .filter((f) => f.endsWith('.yml'))
  .map((f) => path.join('prometheus', 'tests', f));
const alertTests = alertTestFiles.map((file) => {
  const doc: unknown = parse(read(file));
  if (!isDict(doc)) throw new Error(`${file} is not a map`);
  return { file, doc };
});
const recorded = new Set(rules.filter((r) => r.rule.record !== undefined).map((r) => r.name));

const dashboardFiles = readdirSync(path.join(observability, 'grafana', 'dashboards')).filter((f) =>
  f.endsWith('.json'),
);
const dashboards = dashboardFiles.map((file) => {
  const parsed: unknown = JSON.parse(read(path.join('grafana', 'dashboards', file)));
  if (!isDict(parsed)) throw new Error(`${file} is not an object`);
  return { file, dashboard: parsed };
});

/** Panels, those inside collapsed rows included. */
function panelsOf(dashboard: Dict): Dict[] {
  return asList(dashboard.panels)
    .filter(isDict)
    .flatMap((p) => [p, ...asList(p.panels).filter(isDict)]);
}

/** Grafana's built-in interval variables, given a value so that the expression parses as Prometheus will see it. */
const GRAFANA_INTERVALS: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '6h',
};
/** Replaces Grafana's interval variables; other variables must be the dashboard's and stay inside strings. */
function expandGrafana(expr: string, variables: readonly string[]): { expr: string; problems: string[] } {
  const problems: string[] = [];
  const expanded = expr.replace(/\$\{?(\w+)(?::\w+)?\}?/g, (whole, name: string) => {
    const interval = GRAFANA_INTERVALS[name];
    if (interval !== undefined) return interval;
    if (!variables.includes(name)) problems.push(`unknown dashboard variable $${name}`);
    return whole;
  });
  return { expr: expanded, problems };
}

interface Query {
  where: string;
  expr: string;
  variables: readonly string[];
}
/** Every PromQL expression of a dashboard: panel targets, and the selectors of its query variables. */
function queriesOf(file: string, dashboard: Dict): Query[] {
  const templating = isDict(dashboard.templating) ? asList(dashboard.templating.list).filter(isDict) : [];
  const variables = templating.map((v) => String(v.name));
  const queries: Query[] = [];
  for (const v of templating.filter((t) => t.type === 'query')) {
    const definition = isDict(v.query) ? String(v.query.query) : String(v.query);
    // label_values(<selector>, <label>): the selector is PromQL; the label must be one it has.
    const m = /^label_values\((.+),\s*(\w+)\)$/.exec(definition.trim());
    if (!m?.[1] || !m[2])
      throw new Error(`${file}: variable ${String(v.name)} is not label_values(<selector>, <label>)`);
    queries.push({ where: `${file} variable ${String(v.name)}`, expr: `group by (${m[2]}) (${m[1]})`, variables });
  }
  for (const panel of panelsOf(dashboard)) {
    for (const target of asList(panel.targets).filter(isDict)) {
      queries.push({
        where: `${file} panel "${String(panel.title)}" ${String(target.refId)}`,
        expr: String(target.expr),
        variables,
      });
    }
  }
  return queries;
}

// ------------------------------------------------------------------ tests ---

describe('the PromQL check itself', () => {
  it('finds syntax errors', () => {
    expect(problemsOf('sum(rate(bank_outbox_events_relayed_total[5m])', jobs)).toEqual([
      expect.stringMatching(/^syntax error/),
    ]);
    expect(problemsOf('rate(bank_outbox_events_relayed_total[$__rate_interval])', jobs).length).toBeGreaterThan(0);
    expect(problemsOf('bank_outbox_backlog_events >', jobs).length).toBeGreaterThan(0);
  });

  it('refuses a metric the services do not export, a label it lacks, a service that lacks it, an unknown job', () => {
    expect(problemsOf('rate(bank_transfers_total[5m])', jobs)).toEqual(['bank_transfers_total is not exported']);
    expect(problemsOf('bank_outbox_backlog_events{service="router"}', jobs)).toEqual([
      'router does not export bank_outbox_backlog_events',
    ]);
    expect(problemsOf('sum by (code) (rate(bank_sign_in_failures_total[5m]))', jobs)).toEqual([
      'no metric here has the label code',
    ]);
    expect(problemsOf('bank_sagas{status="pending"}', jobs)).toEqual(['bank_sagas has no label status']);
    expect(problemsOf('up{job="nodes"} == 0', jobs)).toEqual(['no scrape job nodes']);
    // A histogram is selected by its series, never by its bare name.
    expect(problemsOf('bank_job_duration_seconds', jobs)).toEqual(['bank_job_duration_seconds is not exported']);
  });

  it('accepts what the services export, defaults and histogram series included', () => {
    expect(
      problemsOf(
        'histogram_quantile(0.99, sum by (service, le) (rate(bank_graphql_operation_duration_seconds_bucket{service=~"router|banking"}[5m])))',
        jobs,
      ),
    ).toEqual([]);
    expect(problemsOf('rate(process_cpu_seconds_total{job="bank"}[5m]) + nodejs_heap_size_used_bytes', jobs)).toEqual(
      [],
    );
    expect(problemsOf('up{job="bank", service="assistant"} == 0', jobs)).toEqual([]);
  });

  it('rejects dashboard variables the dashboard does not define', () => {
    expect(expandGrafana('up{service=~"$service"}', ['service']).problems).toEqual([]);
    expect(expandGrafana('up{service=~"$servce"}', ['service']).problems).toEqual([
      'unknown dashboard variable $servce',
    ]);
  });
});

describe('Prometheus alert rules', () => {
  it('has rule files with alerts', () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    expect(alerts.length).toBeGreaterThan(0);
  });

  it('parses every rule and names only exported metrics', () => {
    const problems = rules.flatMap(({ file, name, rule }) =>
      problemsOf(String(rule.expr), jobs)
        // A recording rule's output is a metric too.
        .filter((p) => ![...recorded].some((r) => p === `${r} is not exported`))
        .map((p) => `${file} ${name}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it('gives every alert a unique name, a duration, a severity, a summary, a description and a runbook', () => {
    expect(new Set(alerts.map((a) => a.name)).size).toBe(alerts.length);
    for (const { name, rule } of alerts) {
      const labels = isDict(rule.labels) ? rule.labels : {};
      const annotations = isDict(rule.annotations) ? rule.annotations : {};
      expect({ name, for: rule.for }).toEqual({ name, for: expect.stringMatching(/^\d+[smh]$/) });
      expect({ name, severity: labels.severity }).toEqual({
        name,
        severity: expect.stringMatching(/^(critical|warning)$/),
      });
      for (const key of ['summary', 'description', 'runbook'])
        expect({ name, key, text: typeof annotations[key] }).toEqual({ name, key, text: 'string' });
    }
  });

  it('covers what the issue asks to be alerted on', () => {
    const watched = (metric: string) =>
      alerts.filter((a) => analyse(String(a.rule.expr)).selectors.some((s) => s.metric === metric)).map((a) => a.name);
    for (const metric of [
      'up',
      'bank_graphql_operations_total', // error rate
      'bank_graphql_operation_duration_seconds_bucket', // latency
      'bank_router_subgraph_fetch_errors_total',
      'bank_outbox_oldest_event_age_seconds',
      'bank_outbox_backlog_events',
      'bank_event_consumer_lag_events',
      'bank_sagas',
      'bank_saga_recoveries_total',
      'bank_db_pool_connections',
      'bank_db_pool_max_connections',
      'bank_event_bus_connected', // Redis down
      'bank_job_runs_total',
      'bank_sign_in_failures_total',
      'bank_payment_refusals_total',
    ]) {
      expect({ metric, alerts: watched(metric).length > 0 }).toEqual({ metric, alerts: true });
    }
  });

  it('explains every alert in the README', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = /^### Dashboards and alerts\n([\s\S]*?)(?=^#{2,3} )/m.exec(readme)?.[1] ?? '';
    expect(section).not.toBe('');
    for (const { name, rule } of alerts) {
      expect({ name, documented: section.includes(name) }).toEqual({ name, documented: true });
      const runbook = isDict(rule.annotations) ? String(rule.annotations.runbook) : '';
      // The runbook names an alert the README explains (related alerts share one entry).
      const entry = /: (\w+)$/.exec(runbook)?.[1] ?? '';
      expect({ name, runbook: section.includes(`\`${entry}\``) }).toEqual({ name, runbook: true });
    }
  });
});

describe("the alerts' unit tests", () => {
  it('test the rule files, on series of metrics the services export', () => {
    expect(alertTests.length).toBeGreaterThan(0);
    for (const { file, doc } of alertTests) {
      const tested = asList(doc.rule_files).map((f) => path.join(path.dirname(file), String(f)));
      expect({ file, tested }).toEqual({ file, tested: ruleFiles });
      const series = asList(doc.tests)
        .filter(isDict)
        .flatMap((t) => asList(t.input_series).filter(isDict))
        .map((s) => String(s.series));
      expect(series.length).toBeGreaterThan(0);
      const problems = series.flatMap((s) => problemsOf(s, jobs).map((p) => `${file} ${s}: ${p}`));
      expect(problems).toEqual([]);
    }
  });

  it('test every critical alert', () => {
    const tested = new Set(
      alertTests.flatMap(({ doc }) =>
        asList(doc.tests)
          .filter(isDict)
          .flatMap((t) => asList(t.alert_rule_test).filter(isDict))
          .map((t) => String(t.alertname)),
      ),
    );
    const critical = alerts.filter((a) => isDict(a.rule.labels) && a.rule.labels.severity === 'critical');
    const untested = critical.map((a) => a.name).filter((name) => !tested.has(name));
    expect(critical.length).toBeGreaterThan(0);
    expect(untested).toEqual([]);
  });
});

describe('Prometheus scrape configuration', () => {
  it('loads the rule files from rules/, next to it', () => {
    expect(prometheusConfig.rule_files).toEqual(['rules/*.yml']);
    expect(ruleFiles.every((f) => f.endsWith('.yml'))).toBe(true);
  });

  it('scrapes every service on its metrics port, labelled with its name', () => {
    const bank = scrapeConfigs.find((c) => c.job_name === 'bank');
    const targets = asList(bank?.static_configs)
      .filter(isDict)
      .flatMap((sc) =>
        asList(sc.targets).map((t) => ({
          target: String(t),
          service: isDict(sc.labels) ? sc.labels.service : undefined,
        })),
      );
    const ports: Record<string, number> = {
      router: 9464,
      identity: 4001,
      banking: 4002,
      billing: 4003,
      lending: 4004,
      messaging: 4005,
      assistant: 4006,
    };
    expect(targets).toEqual(SERVICES.map((service) => ({ target: `${service}:${ports[service]}`, service })));
    expect(bank?.metrics_path ?? '/metrics').toBe('/metrics');
    // The services label their series themselves; without this, Prometheus would rename theirs to exported_service.
    expect(bank?.honor_labels).toBe(true);
  });
});

describe('Grafana dashboards', () => {
  it('has the bank dashboard, with a unique uid and the Prometheus data source', () => {
    expect(dashboardFiles).toContain('bank.json');
    const datasources: unknown = parse(read('grafana/provisioning/datasources/prometheus.yml'));
    const uid = isDict(datasources) ? asList(datasources.datasources).filter(isDict)[0]?.uid : undefined;
    expect(uid).toEqual(expect.any(String));
    for (const { file, dashboard } of dashboards) {
      expect({ file, uid: dashboard.uid }).toEqual({ file, uid: expect.any(String) });
      for (const panel of panelsOf(dashboard).filter((p) => p.type !== 'row')) {
        const source = isDict(panel.datasource) ? panel.datasource.uid : undefined;
        expect({ file, panel: panel.title, source }).toEqual({ file, panel: panel.title, source: uid });
      }
    }
    expect(new Set(dashboards.map((d) => d.dashboard.uid)).size).toBe(dashboards.length);
  });

  it('parses every panel query and variable and names only exported metrics', () => {
    const queries = dashboards.flatMap(({ file, dashboard }) => queriesOf(file, dashboard));
    expect(queries.length).toBeGreaterThan(20);
    const problems = queries.flatMap(({ where, expr, variables }) => {
      const expanded = expandGrafana(expr, variables);
      return [...expanded.problems, ...problemsOf(expanded.expr, jobs)].map((p) => `${where}: ${p}`);
    });
    expect(problems).toEqual([]);
  });

  it('shows the golden signals and the rows the issue asks for', () => {
    const bank = dashboards.find((d) => d.file === 'bank.json')?.dashboard ?? {};
    const rows = asList(bank.panels)
      .filter(isDict)
      .filter((p) => p.type === 'row')
      .map((p) => p.title);
    expect(rows).toEqual(expect.arrayContaining(['Traffic', 'Errors', 'Latency', 'Saturation', 'Bank', 'Internals']));
    const templating = isDict(bank.templating) ? asList(bank.templating.list).filter(isDict) : [];
    expect(templating.map((v) => v.name)).toEqual(expect.arrayContaining(['service', 'instance']));
    // Panel ids are unique (Grafana keys a panel's state by its id).
    const ids = panelsOf(bank).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('provisions the dashboards folder that compose mounts', () => {
    const providers: unknown = parse(read('grafana/provisioning/dashboards/bank.yml'));
    const provider = isDict(providers) ? asList(providers.providers).filter(isDict)[0] : undefined;
    expect(provider).toMatchObject({ type: 'file', options: { path: '/var/lib/grafana/dashboards' } });
  });
});

// ---------------------------------------------------------------- promtool ---

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const hasPromtool = promtool.status === 0;

describe('promtool', () => {
  it('checks the rules and the scrape configuration (when installed; the parser above runs anyway)', () => {
    console.log(
      hasPromtool
        ? `observability files checked by promtool (${promtool.stdout.split('\n')[0]}) and the Lezer PromQL parser`
        : 'observability files checked by the Lezer PromQL parser only: promtool is not on the PATH',
    );
    if (!hasPromtool) return;
    const rulesCheck = spawnSync('promtool', ['check', 'rules', ...ruleFiles], {
      cwd: observability,
      encoding: 'utf8',
    });
    expect({ status: rulesCheck.status, output: rulesCheck.stdout + rulesCheck.stderr }).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
    const configCheck = spawnSync('promtool', ['check', 'config', 'prometheus/prometheus.yml'], {
      cwd: observability,
      encoding: 'utf8',
    });
    expect({ status: configCheck.status, output: configCheck.stdout + configCheck.stderr }).toEqual({
      status: 0,
      output: expect.stringContaining(`${ruleFiles.length} rule files found`),
    });
    // The alerts' unit tests: each fires on made-up series of the situation it is for, and not on its look-alike.
    const unitTests = spawnSync('promtool', ['test', 'rules', ...alertTestFiles], {
      cwd: observability,
      encoding: 'utf8',
    });
    expect({ status: unitTests.status, output: unitTests.stdout + unitTests.stderr }).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
    // And it does refuse a broken rule.
    const dir = mkdtempSync(path.join(tmpdir(), 'promtool-'));
    try {
      const broken = path.join(dir, 'broken.yml');
      writeFileSync(broken, 'groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: sum(rate(up[5m])\n');
      expect(spawnSync('promtool', ['check', 'rules', broken], { encoding: 'utf8' }).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
