// Who may write to a Unix listener: the connecting process's uid (SO_PEERCRED) against `allow_uids`.
// An allowed peer is labelled `uid=N` on its events; anyone else is refused before a byte is read.
import type { Logger } from '../log.ts';
import { loadPeerCred, peerCred } from './sudo/peer-cred/peer-cred.ts';
import type { PeerCheck } from './stream-server.ts';

export function uidAllowList(allowUids: readonly number[], log: Logger): PeerCheck | undefined {
  if (allowUids.length === 0) return undefined;
  // Now, so a listener that cannot check its peers does not start (rather than refusing every connection).
  loadPeerCred();
  const allowed = new Set(allowUids);
  return (socket) => {
    let uid: number;
    try {
      uid = peerCred(socket).uid;
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'connection refused: peer credentials unreadable');
      return false;
    }
    if (allowed.has(uid)) return `uid=${uid}`;
    log.warn({ uid, allowed: allowUids }, 'connection refused: peer uid not in allow_uids');
    return false;
  };
}
