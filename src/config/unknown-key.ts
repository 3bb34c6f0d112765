// The problem for a key the schema does not know: where it is, and the known key at that level it most
// likely meant (`unknown key "grup_by" in rules[2]; did you mean "group_by"?`).
import type { z } from 'zod';
import { closest } from './did-you-mean.ts';
import { describePlace, type ConfigPath, type ConfigProblem } from './problems.ts';

export function unknownKeyProblem(root: z.ZodType, objectPath: ConfigPath, key: string, raw: unknown): ConfigProblem {
  const place = objectPath.length === 0 ? 'at the top level' : `in ${describePlace(objectPath)}`;
  const meant = closest(key, keysAt(root, objectPath, raw));
  return {
    path: [...objectPath, key],
    atKey: true,
    placed: true,
    message: `unknown key ${JSON.stringify(key)} ${place}${meant ? `; did you mean ${JSON.stringify(meant)}?` : ''}`,
  };
}

// zod's definitions are walked through `_zod.def`, the one shape every schema kind shares.
interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  valueType?: Schema;
  options?: Schema[];
  values?: unknown[];
}
interface Schema {
  _zod: { def: Def };
}

/** The keys an object at `path` may have; for a union (listeners), those of the member the value's own fields select. */
function keysAt(root: z.ZodType, path: ConfigPath, raw: unknown): string[] {
  let schema: Schema | undefined = root as unknown as Schema;
  let value = raw;
  for (const segment of path) {
    const def: Def | undefined = resolve(schema, value)?._zod.def;
    schema =
      def?.type === 'object'
        ? def.shape?.[segment]
        : def?.type === 'array'
          ? def.element
          : def?.type === 'record'
            ? def.valueType
            : undefined;
    value = value && typeof value === 'object' ? (value as Record<string | number, unknown>)[segment] : undefined;
  }
  const def = resolve(schema, value)?._zod.def;
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

function resolve(schema: Schema | undefined, value: unknown): Schema | undefined {
  let s = schema;
  while (s) {
    const def: Def = s._zod.def;
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else if (def.type === 'union') s = pickMember(def.options ?? [], value);
    else return s;
  }
  return undefined;
}

/** The union member whose literal fields (`type: udp`) the value has. */
function pickMember(options: Schema[], value: unknown): Schema | undefined {
  const fields = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  return options.find((o) => {
    const shape = o._zod.def.shape;
    if (!shape) return false;
    const literals = Object.entries(shape).filter(([, s]) => s._zod.def.type === 'literal');
    return literals.length > 0 && literals.every(([k, s]) => s._zod.def.values?.includes(fields[k]));
  });
}
