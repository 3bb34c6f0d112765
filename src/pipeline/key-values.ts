// The values of some fields of an event, joined: one string per distinct combination (a rule's `key:`, an
// aggregation group's `group_by`).
export function keyValues(fields: readonly string[], read: (field: string) => unknown): string {
  return fields
    .map((f) => {
      const v = read(f);
      return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    })
    .join(' ');
}
