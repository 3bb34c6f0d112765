// sshd's authentication lines → who tried to log in, how, and from where.
import type { Fields } from './sudo.ts';

const LOGIN = /^(Accepted|Failed) (\S+) for (invalid user )?(.*?) from (\S+) port (\d+)(?: (\S+?))?(?::.*)?$/s;
const INVALID = /^Invalid user (.*?) from (\S+)(?: port (\d+))?/s;

export function parseSshd(message: string): Fields | undefined {
  const login = LOGIN.exec(message);
  if (login) {
    return {
      event: login[1] === 'Accepted' ? 'login_accepted' : 'login_failed',
      method: login[2]!,
      user: login[4]!,
      invalid_user: login[3] !== undefined,
      src_ip: login[5]!,
      src_port: Number(login[6]),
    };
  }
  const invalid = INVALID.exec(message);
  if (invalid) {
    return {
      event: 'invalid_user',
      user: invalid[1]!,
      invalid_user: true,
      src_ip: invalid[2]!,
      ...(invalid[3] === undefined ? {} : { src_port: Number(invalid[3]) }),
    };
  }
  return undefined;
}
