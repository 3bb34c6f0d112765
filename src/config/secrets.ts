// `${env:NAME}`, `${env:NAME:-default}` and `${file:/path}` references inside config strings, resolved
// once at load so secrets need not sit in config.yaml. Every value read this way is recorded as a secret, so
// no log line, error or command output prints it.
import { readFileSync } from 'node:fs';
import { redactor } from '../redactor.ts';
import { osErrorText } from '../os-error.ts';

const REF = /\$\{(env|file):([^}]*)\}/g;

export interface SecretProblem {
  message: string;
}

/** Resolve references in one string; problems are collected, the unresolved part becomes "". */
export function resolveSecrets(text: string, env: NodeJS.ProcessEnv, problems: SecretProblem[]): string {
  return text.replace(REF, (_all, kind: string, ref: string) => {
    if (kind === 'env') {
      const [name, fallback] = splitDefault(ref);
      const value = env[name];
      if (value !== undefined && value !== '') return secret(value);
      // A default is written in config.yaml itself, so it is no secret.
      if (fallback !== undefined) return fallback;
      problems.push({ message: `environment variable ${name} is not set (write \${env:${name}:-} to make it optional)` });
      return '';
    }
    try {
      return secret(readFileSync(ref, 'utf8').trim());
    } catch (e) {
      problems.push({ message: `cannot read secret file ${ref}: ${osErrorText(e)}` });
      return '';
    }
  });
}

function secret(value: string): string {
  redactor.add(value);
  return value;
}

function splitDefault(ref: string): [string, string | undefined] {
  const i = ref.indexOf(':-');
  return i < 0 ? [ref, undefined] : [ref.slice(0, i), ref.slice(i + 2)];
}
