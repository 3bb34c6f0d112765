// A message with what varies between occurrences masked (addresses, numbers, hex, quoted text), so lines of
// one shape count together: `relay replay --unparsed` lists the shapes no parser knows yet.
const MASKS: [RegExp, string][] = [
  [/'[^']*'|"[^"]*"|`[^']*'/g, '<quoted>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '<ip>'],
  [/(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/gi, '<ip>'],
  [/\b(?:SHA256|MD5):\S+/g, '<fingerprint>'],
  [/\b0x[0-9a-f]+\b|\b[0-9a-f]{8,}\b/gi, '<hex>'],
  [/\d+/g, '<n>'],
];

export function messageShape(message: string): string {
  let shape = message.trim();
  for (const [pattern, mask] of MASKS) shape = shape.replace(pattern, mask);
  return shape;
}
