// Compiles a rule's `match:` into a predicate once, at config load; problems (bad regex, unknown field,
// bad threshold) are reported with their config path instead of surfacing per event.
import type { RelayEvent } from '../event.ts';
import { severityLevel } from '../event.ts';
import type { ConfigPath, ConfigProblem } from '../config/problems.ts';
import type { FieldTest, Match, Scalar } from '../config/match-schema.ts';
import { getField, isKnownField } from './fields.ts';

export type Predicate = (event: RelayEvent) => boolean;

/** `<= warning`, `> 5`: a comparison (read before plain equality; the pre-filter reads tests the same way). */
export const COMPARATOR = /^(<=|>=|<|>|==|!=)\s*(\S+)$/;
/** `/pattern/flags`: a regular expression. */
export const REGEX = /^\/(.*)\/([dgimsuy]*)$/s;

export function compileMatch(match: Match, path: ConfigPath, problems: ConfigProblem[]): Predicate {
  const parts: Predicate[] = [];
  for (const [key, value] of Object.entries(match)) {
    const here = [...path, key];
    if (key === 'all' || key === 'any') {
      const subs = (value as Match[]).map((m, i) => compileMatch(m, [...here, i], problems));
      parts.push(key === 'all' ? (e) => subs.every((p) => p(e)) : (e) => subs.some((p) => p(e)));
    } else if (key === 'not') {
      const sub = compileMatch(value as Match, here, problems);
      parts.push((e) => !sub(e));
    } else if (!isKnownField(key)) {
      problems.push({
        path: here,
        atKey: true,
        message: `unknown field ${JSON.stringify(key)} (use host, app, message, severity, facility, listener, fields.NAME, sd.ID.PARAM, ...)`,
      });
    } else {
      parts.push(compileFieldTest(key, value as FieldTest, here, problems));
    }
  }
  if (parts.length === 1) return parts[0]!;
  return (e) => parts.every((p) => p(e));
}

function compileFieldTest(field: string, test: FieldTest, path: ConfigPath, problems: ConfigProblem[]): Predicate {
  const alternatives = (Array.isArray(test) ? test : [test]).map((t, i) =>
    compileScalar(field, t, Array.isArray(test) ? [...path, i] : path, problems),
  );
  const read = (e: RelayEvent) => getField(e, field);
  return alternatives.length === 1
    ? (e) => alternatives[0]!(read(e))
    : (e) => {
        const v = read(e);
        return alternatives.some((a) => a(v));
      };
}

function compileScalar(field: string, test: Scalar, path: ConfigPath, problems: ConfigProblem[]): (v: unknown) => boolean {
  const isSeverity = field === 'severity';
  if (typeof test === 'string') {
    const re = REGEX.exec(test);
    if (re) {
      try {
        const regex = new RegExp(re[1]!, re[2]!.replace('g', ''));
        return (v) => v !== undefined && v !== null && regex.test(String(v));
      } catch (e) {
        problems.push({ path, message: `bad regular expression ${test}: ${(e as Error).message}` });
        return () => false;
      }
    }
    const cmp = COMPARATOR.exec(test);
    if (cmp) {
      const target = isSeverity ? (severityLevel(cmp[2]!) ?? numberOrUndefined(cmp[2]!)) : numberOrUndefined(cmp[2]!);
      if (target === undefined) {
        problems.push({
          path,
          message: `cannot compare with ${JSON.stringify(cmp[2])}: ${isSeverity ? 'use a severity name (emerg … debug) or 0-7' : 'not a number'}`,
        });
        return () => false;
      }
      return comparator(cmp[1]!, target);
    }
    if (isSeverity) {
      const level = severityLevel(test);
      if (level === undefined) {
        problems.push({
          path,
          message: `unknown severity ${JSON.stringify(test)} (emerg, alert, crit, err, warning, notice, info, debug)`,
        });
        return () => false;
      }
      return (v) => v === level;
    }
  }
  if (typeof test === 'number') return (v) => v === test || (typeof v === 'string' && Number(v) === test);
  const expected = String(test);
  return (v) => v !== undefined && v !== null && String(v) === expected;
}

function comparator(op: string, target: number): (v: unknown) => boolean {
  return (v) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (Number.isNaN(n)) return false;
    switch (op) {
      case '<=':
        return n <= target;
      case '>=':
        return n >= target;
      case '<':
        return n < target;
      case '>':
        return n > target;
      case '==':
        return n === target;
      default:
        return n !== target;
    }
  };
}

function numberOrUndefined(s: string): number | undefined {
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}
