// The common template, text with plain `{{host}}` / `{{fields.user}}` lookups, rendered by joining its parts.
// Handlebars sets up every call anew (a container, and a wrapper function per registered helper): measured in
// seed scenario b that was a fifth of all the bytes relay allocates per alert, for templates that only read
// fields. What this renders is what Handlebars renders for the same template (noEscape, non-strict): a
// missing value is empty, a function is called on the view, and the parts are joined with JavaScript's `+`
// from left to right as Handlebars' compiled template joins them, so values that lead the template add up
// before the first text does (`{{a}}{{b}}` with 1 and 2 is "3", as it always was). A lookup it does not render
// the same way (a property inherited from a prototype, which Handlebars refuses and logs) is handed back to
// Handlebars for that call.

type Part = string | readonly string[];
/** A rendering of the template, or undefined when this call must go to Handlebars. */
export type PlainRender = (view: Record<string, unknown>) => string | undefined;

/**
 * The template's parts when it is only text, comments and plain lookups (no helpers, blocks, partials,
 * `@data`, `../` or literals); undefined otherwise. `helpers` are the names a bare lookup would call.
 */
export function plainTemplate(ast: hbs.AST.Program, helpers: ReadonlySet<string>): PlainRender | undefined {
  const parts: Part[] = [];
  for (const s of ast.body) {
    // Handlebars compiles no code for empty text (what whitespace control leaves) or for a comment.
    if (s.type === 'ContentStatement') {
      if ((s as hbs.AST.ContentStatement).value !== '') parts.push((s as hbs.AST.ContentStatement).value);
    } else if (s.type === 'CommentStatement') continue;
    else if (s.type === 'MustacheStatement') {
      const m = s as hbs.AST.MustacheStatement;
      if (m.params.length > 0 || m.hash !== undefined || m.path.type !== 'PathExpression') return undefined;
      const path = m.path as hbs.AST.PathExpression;
      if (path.data || path.depth !== 0 || path.parts.length === 0 || helpers.has(path.parts[0]!)) return undefined;
      parts.push(path.parts);
    } else return undefined;
  }
  return (view) => {
    let out: unknown = '';
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const piece = typeof part === 'string' ? part : lookup(view, part);
      if (piece === REFUSED) return undefined;
      out = i === 0 ? piece : plus(out, piece);
    }
    return String(out);
  };
}

const REFUSED = Symbol('refused');

/** A path's value as Handlebars' compiled template reads it: empty when missing, a function called on the view. */
function lookup(view: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = view;
  for (const key of path) {
    if (value === null || value === undefined) break;
    const next = (value as Record<string, unknown>)[key];
    if (next !== null && next !== undefined && !Object.hasOwn(value, key)) return REFUSED;
    value = next;
  }
  if (typeof value === 'function') value = (value as (this: unknown) => unknown).call(view);
  return value ?? '';
}

/** JavaScript's `+`, which Handlebars' compiled template applies between parts. */
function plus(a: unknown, b: unknown): unknown {
  return (a as string) + (b as string);
}
