// shadow-utils' account tools (useradd, usermod, userdel, groupadd, groupmod, groupdel, gpasswd, chage,
// passwd, chpasswd): they log only changes, one line each. `user` is the account changed, `group` the group.
//   useradd: new user: name=eve, UID=1005, GID=1005, home=/home/eve, shell=/bin/bash, from=/dev/pts/1
//   usermod: add 'eve' to group 'sudo'        userdel: delete user 'eve'
import { firstShape, type Shape } from './shape.ts';
import type { Fields } from './sudo.ts';

/** `name=eve, UID=1005, …` → { name: 'eve', uid: '1005', … }, keys lower-cased. */
function pairs(text: string): Fields {
  const out: Fields = {};
  for (const m of text.matchAll(/(\w+)=([^,]*)/g)) out[m[1]!.toLowerCase()] = m[2]!;
  return out;
}

const change = (event: string, fields: Fields, highlight = false): Fields => ({
  event,
  ...fields,
  outcome: 'success',
  // Wazuh rates a new account or group 8: a backdoor account is one such line.
  ...(highlight ? { severity_hint: 'high' } : {}),
});

const SHAPES: Shape[] = [
  [
    /^new user: (.*)$/,
    (m) => {
      const { name, ...rest } = pairs(m[1]!);
      return change('user_added', { user: name, ...rest }, true);
    },
  ],
  [
    /^(?:new group|group added to \S+): (.*)$/,
    (m) => {
      const { name, ...rest } = pairs(m[1]!);
      return change('group_added', { group: name, ...rest }, true);
    },
  ],
  [/^add '(.*?)' to (?:shadow )?group '(.*?)'$/, (m) => change('group_member_added', { user: m[1]!, group: m[2]! })],
  [/^(?:delete|remove) '(.*?)' from (?:shadow )?group '(.*?)'$/, (m) => change('group_member_removed', { user: m[1]!, group: m[2]! })],
  [/^delete user '(.*?)'$/, (m) => change('user_deleted', { user: m[1]! })],
  [/^(?:removed group|group) '(.*?)'(?: owned by '.*?'| removed.*)$/, (m) => change('group_deleted', { group: m[1]! })],
  [/^(lock|unlock) user '(.*?)' password$/, (m) => change('user_changed', { user: m[2]!, change: `${m[1]!} password` })],
  [/^change user '(.*?)' (.*)$/, (m) => change('user_changed', { user: m[1]!, change: m[2]! })],
  [/^change user name '(.*?)' to '(.*?)'$/, (m) => change('user_changed', { user: m[2]!, change: `renamed from ${m[1]!}` })],
  [/^changed password expiry for (\S+)$/, (m) => change('user_changed', { user: m[1]!, change: 'password expiry' })],
  [/^password for '(.*?)' changed by '(.*?)'$/, (m) => change('password_changed', { user: m[1]!, by_user: m[2]! })],
  [/^user '(.*?)' removed from group '(.*?)'/, (m) => change('group_member_removed', { user: m[1]!, group: m[2]! })],
];

export function parseAccounts(message: string): Fields | undefined {
  return firstShape(SHAPES, message);
}
