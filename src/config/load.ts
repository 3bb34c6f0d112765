// config.yaml → a schema-valid Config (people_file merged), or the problems the schema, the secrets and the
// people file find, each placed at file:line:col. Cross-checks between sections and everything that compiles
// (rules, templates, notifiers) are the plan's (src/plan/): this layer only reads and types the file.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, isScalar, visit } from 'yaml';
import { ErrorCodes, RelayError } from '../errors.ts';
import type { z } from 'zod';
import { ConfigSchema, type Config } from './schema.ts';
import { formatProblem, locate, type ConfigProblem, type LocatedProblem } from './problems.ts';
import { resolveSecrets, type SecretProblem } from './secrets.ts';
import { anchorFileRefs, anchorPaths } from './paths.ts';
import { unknownKeyProblem } from './unknown-key.ts';
import { mergePeopleFile } from './people-file.ts';
import { osErrorText } from '../os-error.ts';

export class ConfigError extends RelayError {
  readonly problems: LocatedProblem[];
  constructor(problems: LocatedProblem[]) {
    super(
      ErrorCodes.CONFIG,
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in config:\n${problems.map(formatProblem).join('\n')}`,
    );
    this.problems = problems;
  }
}

/** What reading a config file found: the config (when the schema took it), and its problems so far. */
export interface ConfigRead {
  /** The schema-valid config, people_file merged; undefined when the schema refused the file. */
  readonly config: Config | undefined;
  /** What cross-checks still look at when the schema refused the file: its valid parts, so every problem is said at once. */
  readonly parts: Config;
  readonly problems: ConfigProblem[];
  /** Problems already placed in another file (people_file's own lines). */
  readonly placed: LocatedProblem[];
  /** Problems of this file placed at file:line:col, sorted by place, then those of other files. */
  located(more: readonly ConfigProblem[]): LocatedProblem[];
}

/** The file's text, or a ConfigError saying why it cannot be read. */
export function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ file, line: 1, col: 1, message: `cannot read config: ${osErrorText(e)}` }]);
  }
}

/** YAML syntax errors are thrown at once (nothing else can be read); every other problem is collected. */
export function readConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): ConfigRead {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntax: LocatedProblem[] = doc.errors.map((err) => {
    const pos = lines.linePos(err.pos[0]);
    return { file, line: pos.line, col: pos.col, message: err.message.split('\n')[0]! };
  });
  if (syntax.length > 0) throw new ConfigError(syntax);

  const problems: ConfigProblem[] = [];
  const baseDir = dirname(resolve(file));
  resolveDocumentSecrets(doc, env, baseDir, problems);
  const js: unknown = doc.toJS();
  const raw = (js && typeof js === 'object' ? js : {}) as Record<string, unknown>;
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.flatMap(unionBranch)) {
      const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) problems.push(unknownKeyProblem(ConfigSchema, path, key, raw));
      } else {
        problems.push({ path, message: issue.message });
      }
    }
  }
  const config = parsed.success ? anchorPaths(parsed.data, baseDir) : undefined;
  // people_file's own problems are placed in that file; its entries join the directory before cross-checks.
  const placed = config ? mergePeopleFile(config, file, problems) : [];
  return {
    config,
    parts: config ?? validParts(raw),
    problems,
    placed,
    located: (more) => [...sortByPlace([...problems, ...more].map((p) => locate(doc, lines, file, p))), ...placed],
  };
}

/** Relative `${file:}` paths are read from the config file's directory (see paths.ts). */
function resolveDocumentSecrets(
  doc: ReturnType<typeof parseDocument>,
  env: NodeJS.ProcessEnv,
  baseDir: string,
  problems: ConfigProblem[],
): void {
  visit(doc, {
    Scalar(_key, node, path) {
      if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes('${')) return;
      const found: SecretProblem[] = [];
      node.value = resolveSecrets(anchorFileRefs(node.value, baseDir), env, found);
      if (found.length === 0) return;
      const configPath = pathOf(path, node);
      for (const f of found) problems.push({ path: configPath, message: f.message });
    },
  });
}

/** The key path of a node, from the ancestry yaml's visitor hands over. */
function pathOf(ancestry: readonly unknown[], node: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  const chain = [...ancestry, node];
  for (let i = 1; i < chain.length; i++) {
    const parent = chain[i - 1] as { items?: unknown[]; key?: { value?: unknown } };
    const current = chain[i];
    if (Array.isArray(parent.items)) {
      const index = parent.items.indexOf(current);
      if (index >= 0 && !(current as { key?: unknown }).key) path.push(index);
    } else if (parent.key && (parent as { value?: unknown }).value === current) {
      path.push(String(parent.key.value));
    }
  }
  return path;
}

/**
 * The parts of an invalid config that are valid on their own, so cross-checks still run and every problem
 * is reported in one go. Invalid list items leave holes, which keeps the indexes of the valid ones.
 */
function validParts(raw: Record<string, unknown>): Config {
  const shape = ConfigSchema.shape;
  const section = <K extends keyof typeof shape>(key: K): Config[K] | undefined => {
    const r = shape[key].safeParse(raw[key]);
    return r.success ? (r.data as Config[K]) : undefined;
  };
  const items = <T>(
    key: 'listeners' | 'rules' | 'silences',
    item: { safeParse(v: unknown): { success: boolean; data?: T } },
    known: Set<string>,
  ): T[] => {
    const list = Array.isArray(raw[key]) ? (raw[key] as unknown[]) : [];
    const out: T[] = new Array(list.length);
    list.forEach((v, i) => {
      const r = item.safeParse(onlyKnownKeys(v, known));
      if (r.success) out[i] = r.data as T;
    });
    return out;
  };
  return {
    listeners: items(
      'listeners',
      shape.listeners.unwrap().element,
      new Set(shape.listeners.unwrap().element.options.flatMap((o) => Object.keys(o.shape))),
    ),
    rules: items('rules', shape.rules.unwrap().element, new Set(Object.keys(shape.rules.unwrap().element.shape))),
    notifiers: section('notifiers') ?? {},
    delivery: section('delivery') ?? ConfigSchema.shape.delivery.parse(undefined),
    log: section('log') ?? ConfigSchema.shape.log.parse(undefined),
    silences: items('silences', shape.silences.unwrap().element, new Set(Object.keys(shape.silences.unwrap().element.shape))),
    throttle: section('throttle') ?? {},
    throttle_bypass: section('throttle_bypass') ?? 'crit',
    correlate: section('correlate') ?? ConfigSchema.shape.correlate.parse(undefined),
    limits: section('limits') ?? ConfigSchema.shape.limits.parse(undefined),
    people: section('people') ?? {},
    host_owners: section('host_owners') ?? {},
    answers: section('answers'),
    state_dir: section('state_dir') ?? './var',
  } as Config;
}

/**
 * A value that fits no form of a union (a notifier as a URL or as {url, fallback, …}): when exactly one form
 * matches the value's shape, its own problems ("fallback_after: not a duration") instead of "Invalid input".
 */
function unionBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union') return [issue];
  const shaped = issue.errors.filter((branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0));
  if (shaped.length !== 1) return [issue];
  return shaped[0]!.flatMap((i) => unionBranch({ ...i, path: [...issue.path, ...i.path] }));
}

/** An unknown key is already reported; dropping it lets the rest of that item be checked too. */
function onlyKnownKeys(value: unknown, known: Set<string>): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => known.has(k)));
}

function sortByPlace(problems: LocatedProblem[]): LocatedProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}

/** A config the plan took is frozen: nothing may change it while relay runs. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * state_dir alone, made absolute, for commands that read only what relay keeps there (`relay answers`): the
 * rest of the config, its secrets among them, need not resolve in the reader's shell. Problems with
 * state_dir itself are thrown as a ConfigError.
 */
export function readStateDir(file: string, env: NodeJS.ProcessEnv = process.env): string {
  const read = readConfig(readConfigText(file), file, env);
  const own = read.problems.filter((p) => p.path[0] === 'state_dir');
  if (own.length > 0) throw new ConfigError(read.located([]).filter((l) => own.some((o) => l.message.includes(o.message))));
  return resolve(dirname(resolve(file)), read.parts.state_dir);
}
