// The `match:` language of rules and silences: field comparisons combined with all/any/not.
//   app: sudo                     exact value
//   app: [sudo, su]               one of
//   message: /incorrect password/i  regular expression
//   severity: "<= warning"        threshold (numeric fields and severity names)
//   fields.user: root             parser fields by dotted path
//   any: [{...}, {...}] / all: [...] / not: {...}
// A namespace import lets the bundle keep only the parts of zod relay uses (not its dozens of locales).
import * as z from 'zod';

export const Scalar = z.union([z.string(), z.number(), z.boolean()]);
export type Scalar = z.infer<typeof Scalar>;

export const FieldTest = z.union([Scalar, z.array(Scalar).min(1)]);
export type FieldTest = z.infer<typeof FieldTest>;

export type Match = { all?: Match[]; any?: Match[]; not?: Match } & { [field: string]: FieldTest | Match | Match[] | undefined };

export const MatchSchema: z.ZodType<Match> = z.lazy(() =>
  z.record(z.string(), z.unknown()).superRefine((obj, ctx) => {
    for (const [key, value] of Object.entries(obj)) {
      const schema = key === 'all' || key === 'any' ? z.array(MatchSchema).min(1) : key === 'not' ? MatchSchema : FieldTest;
      const r = schema.safeParse(value);
      if (!r.success) {
        for (const issue of r.error.issues) {
          ctx.addIssue({ code: 'custom', message: issue.message, path: [key, ...issue.path] });
        }
      }
    }
  }),
) as z.ZodType<Match>;
