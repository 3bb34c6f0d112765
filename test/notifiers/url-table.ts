// The table every service's URL test runs: a valid form parses to the expected config, rebuilds to a URL
// that parses back to the same config, and prints with no secret; an invalid form fails naming its fault.
import { describe, expect, it } from 'vitest';
import { ErrorCodes, RelayError } from '../../src/errors.ts';
import { parseNotifierUrl } from '../../notifiers/registry.ts';

export interface ValidCase {
  url: string;
  /** Fields the parsed config must have (a subset). */
  config: Record<string, unknown>;
  /** Strings that must not appear in the masked URL. */
  secrets?: string[];
}

export function urlTable(service: string, valid: ValidCase[], invalid: [url: string, fault: RegExp][]): void {
  describe(`${service} URLs`, () => {
    it.each(valid)('parses $url, round-trips it and masks its secrets', ({ url, config, secrets = [] }) => {
      const parsed = parseNotifierUrl(url);
      expect(parsed.module.service).toBe(service);
      expect(parsed.config).toMatchObject(config);
      const rebuilt = parsed.module.toUrl(parsed.config, { mask: false });
      expect(parseNotifierUrl(rebuilt).config).toEqual(parsed.config);
      const masked = parsed.module.toUrl(parsed.config, { mask: true });
      for (const s of secrets) expect(masked).not.toContain(s);
    });

    if (invalid.length) {
      it.each(invalid)('rejects %s', (url, fault) => {
        let error: unknown;
        try {
          parseNotifierUrl(url);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(RelayError);
        expect((error as RelayError).code).toBe(ErrorCodes.URL_INVALID);
        expect((error as RelayError).message).toMatch(fault);
      });
    }
  });
}
