// A parser as a list of message shapes: the first pattern that matches builds the fields.
import type { Fields } from './sudo.ts';

export type Shape = [pattern: RegExp, build: (m: RegExpExecArray) => Fields];

/** The fields of the first shape `text` has, or undefined. */
export function firstShape(shapes: readonly Shape[], text: string): Fields | undefined {
  for (const [pattern, build] of shapes) {
    const m = pattern.exec(text);
    if (m) return build(m);
  }
  return undefined;
}
