// The pre-filter: compiled once from the rules (at config load and on reload), a condition on a syslog
// frame's raw bytes that every frame some rule can match fulfils. A frame that fails it is counted as an
// event no rule took and is not parsed, which is most of what a flood of uninteresting lines costs.
//
// Sound before fast: each field test gives what its value needs to be present in the frame, and a test it
// cannot read that way gives no condition at all (the frame is parsed).
//   app, message, procid, msgid, raw — equality or a regex without `i`: the literal (or a regex's required
//     literal, regex-literal.ts) must appear in the bytes; these fields are always text of the frame. A
//     literal is cut at spaces and each piece must appear, because the fallback header parser joins words
//     with one space whatever whitespace stood between them.
//   severity, facility — read from the PRI, as the frame parser reads them (syslog-pri.ts).
//   kind, listener, token — the same for every syslog frame of a listener (`syslog`, its name, none).
//   host (an unparsed frame's host is the peer's address), fields.* (parsers derive them), sd.* (RFC 5424
//     escapes), not:, numbers and comparisons — no condition.
// Keys of one match must all hold, `any:` and the rules themselves are alternatives, a sequence rule's
// `after:` match is one more alternative (those events are counted). A frame carrying the SD-ID of
// syslog-wrapped sudo events always passes: it may become a sudo event, which relay records whatever the rules.
import type { RuleConfig } from '../config/schema.ts';
import type { Match, Scalar } from '../config/match-schema.ts';
import type { ConfigProblem } from '../config/problems.ts';
import type { RelayEvent } from '../event.ts';
import { SUDO_SD_ID } from '../sources/sudo/syslog-wrapped.ts';
import { facilityName, MAX_PRIVAL, readPri } from '../sources/syslog-pri.ts';
import { COMPARATOR, compileMatch, REGEX, type Predicate } from './match.ts';
import { isKnownField } from './fields.ts';
import { requiredLiterals } from './regex-literal.ts';

/** True when a rule may match the frame's event; false only when none can. */
export type FrameTest = (frame: Buffer) => boolean;

type Need =
  | { kind: 'always' }
  | { kind: 'never' }
  | { kind: 'bytes'; bytes: Buffer }
  | { kind: 'pri'; test: Predicate }
  | { kind: 'all' | 'any'; parts: Need[] };

const ALWAYS: Need = { kind: 'always' };
const NEVER: Need = { kind: 'never' };
const TEXT_FIELDS = new Set(['app', 'message', 'procid', 'msgid', 'raw']);
const CONSTANT_FIELDS = new Set(['kind', 'listener', 'token']);
const PRI_FIELDS = new Set(['severity', 'facility']);
const SUDO_MARK = Buffer.from(SUDO_SD_ID);

/** The test for the frames of `listener`; undefined when every frame must be parsed anyway. */
export function compilePrefilter(rules: readonly RuleConfig[], listener: string): FrameTest | undefined {
  const constants: RelayEvent = { receivedAt: new Date(0), listener, kind: 'syslog', message: '', fields: {} };
  const needs = rules.flatMap((r) => (r.after ? [r.match, r.after.match] : [r.match])).map((m) => matchNeed(m, constants));
  const need = any(needs);
  if (need.kind === 'always') return undefined;
  const test = compileNeed(need, listener);
  return (frame) => frame.indexOf(SUDO_MARK) >= 0 || test(frame);
}

function matchNeed(match: Match, constants: RelayEvent): Need {
  const parts: Need[] = [];
  for (const [key, value] of Object.entries(match)) {
    if (key === 'all' || key === 'any') {
      const subs = (value as Match[]).map((m) => matchNeed(m, constants));
      parts.push(key === 'all' ? all(subs) : any(subs));
    } else if (key !== 'not' && isKnownField(key)) {
      parts.push(fieldNeed(key, value as Scalar | Scalar[], constants));
    }
  }
  return all(parts);
}

function fieldNeed(field: string, test: Scalar | Scalar[], constants: RelayEvent): Need {
  if (TEXT_FIELDS.has(field)) return any((Array.isArray(test) ? test : [test]).map(textNeed));
  if (!CONSTANT_FIELDS.has(field) && !PRI_FIELDS.has(field)) return ALWAYS;
  // The rules' own predicate decides, on what the frame's event will hold: no second reading of the syntax.
  const problems: ConfigProblem[] = [];
  const predicate = compileMatch({ [field]: test }, [], problems);
  if (problems.length > 0) return ALWAYS;
  if (PRI_FIELDS.has(field)) return { kind: 'pri', test: predicate };
  return predicate(constants) ? ALWAYS : NEVER;
}

/** What one alternative of a test on a text field needs in the frame, read as match.ts reads it. */
function textNeed(test: Scalar): Need {
  if (typeof test === 'number') return ALWAYS;
  if (typeof test === 'boolean') return bytesNeed(String(test));
  const re = REGEX.exec(test);
  if (re) {
    const literals = requiredLiterals(re[1]!, re[2]!);
    return literals === undefined ? ALWAYS : any(literals.map(bytesNeed));
  }
  if (COMPARATOR.test(test)) return ALWAYS;
  return bytesNeed(test);
}

/** Each space-separated piece of `text`, as the UTF-8 bytes that stand for it in any frame whose text holds it. */
function bytesNeed(text: string): Need {
  const pieces = text.split(' ').filter((p) => p !== '');
  return all(
    pieces
      .map((p): Need => {
        const bytes = Buffer.from(p, 'utf8');
        // Invalid bytes decode to U+FFFD, and a lone surrogate does not survive encoding: no byte pattern to seek.
        if (p.includes('\uFFFD') || bytes.toString('utf8') !== p) return ALWAYS;
        return { kind: 'bytes', bytes };
      })
      .sort(longestFirst),
  );
}

function longestFirst(a: Need, b: Need): number {
  return (b.kind === 'bytes' ? b.bytes.length : 0) - (a.kind === 'bytes' ? a.bytes.length : 0);
}

function all(parts: Need[]): Need {
  const kept = parts.filter((p) => p.kind !== 'always');
  if (kept.some((p) => p.kind === 'never')) return NEVER;
  if (kept.length === 0) return ALWAYS;
  return kept.length === 1 ? kept[0]! : { kind: 'all', parts: kept };
}

function any(parts: Need[]): Need {
  const kept = parts.filter((p) => p.kind !== 'never');
  if (kept.length === 0) return NEVER;
  if (kept.some((p) => p.kind === 'always')) return ALWAYS;
  return kept.length === 1 ? kept[0]! : { kind: 'any', parts: kept };
}

function compileNeed(need: Need, listener: string): FrameTest {
  switch (need.kind) {
    case 'always':
      return () => true;
    case 'never':
      return () => false;
    case 'bytes': {
      const { bytes } = need;
      return (frame) => frame.indexOf(bytes) >= 0;
    }
    case 'pri': {
      // One event reused for every frame: the predicate reads only severity and facility.
      const event: RelayEvent = { receivedAt: new Date(0), listener, kind: 'syslog', message: '', fields: {} };
      const { test } = need;
      return (frame) => {
        const prival = readPri(frame);
        if (prival === undefined || prival > MAX_PRIVAL) {
          event.severity = undefined;
          event.facility = undefined;
        } else {
          event.severity = prival & 7;
          event.facility = facilityName(prival);
        }
        return test(event);
      };
    }
    case 'all': {
      const parts = need.parts.map((p) => compileNeed(p, listener));
      return (frame) => parts.every((p) => p(frame));
    }
    case 'any': {
      const parts = need.parts.map((p) => compileNeed(p, listener));
      return (frame) => parts.some((p) => p(frame));
    }
  }
}
