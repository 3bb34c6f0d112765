// Config problems with their place in the file: every problem is collected, then all are reported at once
// as `file:line:col: message`. Messages pass the redactor, so a problem never echoes a `${env:}`/`${file:}` value.
import { isMap, isSeq, isScalar, isPair, type Document, type LineCounter, type Node } from 'yaml';
import { redact } from '../redactor.ts';

export type ConfigPath = readonly (string | number)[];

export interface ConfigProblem {
  path: ConfigPath;
  message: string;
  /** Point at the key rather than its value (unknown keys). */
  atKey?: boolean;
  /** The message names its place itself, so it is not prefixed with the path. */
  placed?: boolean;
}

export interface LocatedProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function formatProblem(p: LocatedProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/** Locate a problem's path in the YAML document; falls back to the nearest existing ancestor. */
export function locate(doc: Document, lines: LineCounter, file: string, p: ConfigProblem): LocatedProblem {
  let node: unknown = doc.contents;
  let keyNode: unknown;
  for (const segment of p.path) {
    const next = child(node, segment);
    if (!next) break;
    keyNode = next.key;
    node = next.value;
  }
  const target = (p.atKey && keyNode) || node || doc.contents;
  const offset = (target as Node | null)?.range?.[0] ?? 0;
  const pos = lines.linePos(offset);
  return { file, line: pos.line, col: pos.col, message: redact(`${p.placed ? '' : describePath(p.path)}${p.message}`) };
}

function child(node: unknown, segment: string | number): { key: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(segment));
    return pair ? { key: pair.key, value: pair.value ?? pair.key } : undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item ? { key: item, value: item } : undefined;
  }
  return undefined;
}

function describePath(path: ConfigPath): string {
  return path.length === 0 ? '' : `${describePlace(path)}: `;
}

/** `rules[2].match`: a path as the config file's reader thinks of it. */
export function describePlace(path: ConfigPath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}
