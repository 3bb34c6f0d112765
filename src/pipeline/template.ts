// Title/body templates (Handlebars, Mustache-style `{{host}}`, `{{fields.user}}`), compiled and checked
// once at config load so a broken template is a `relay check` error, not a 3 a.m. surprise.
import Handlebars from 'handlebars';
import type { ConfigPath, ConfigProblem } from '../config/problems.ts';

export type Template = (view: Record<string, unknown>) => string;

const hb = Handlebars.create();

export function compileTemplate(source: string, path: ConfigPath, problems: ConfigProblem[]): Template {
  try {
    // Parsing and compiling eagerly surfaces syntax errors and unknown helpers now.
    const render = hb.compile(source, { noEscape: true, strict: false, knownHelpersOnly: true, knownHelpers: knownHelpers() });
    render({});
    return (view) => render(view);
  } catch (e) {
    problems.push({ path, message: `template error: ${firstLine((e as Error).message)}` });
    return () => source;
  }
}

function knownHelpers(): Record<string, true> {
  return Object.fromEntries(Object.keys(hb.helpers).map((k) => [k, true]));
}

function firstLine(message: string): string {
  return message.split('\n').filter((l) => l.trim() !== '' && !/^-*\^$/.test(l.trim())).join(' ').replace(/\s+/g, ' ');
}
