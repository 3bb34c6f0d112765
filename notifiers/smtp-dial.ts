// How relay opens the TCP connection to an SMTP server: by name and port, through the system resolver
// (/etc/hosts and nsswitch included). nodemailer then speaks SMTP over that socket, with TLS checked against
// the server's name. Tests swap the dialer to reach a loopback capture under a provider's real name and port
// (587 and 465 cannot be bound there without privileges), instead of editing /etc/hosts.
import { connect, type Socket } from 'node:net';

export type SmtpDial = (host: string, port: number) => Socket;

const systemDial: SmtpDial = (host, port) => connect({ host, port });
let current: SmtpDial = systemDial;

export function dialSmtp(host: string, port: number): Socket {
  return current(host, port);
}

/** Route every SMTP connection through `dial` until the returned function restores the system dialer. */
export function useSmtpDial(dial: SmtpDial): () => void {
  current = dial;
  return () => {
    current = systemDial;
  };
}
