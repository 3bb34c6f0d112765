// Apprise's built-in mail providers: `mailto://alice:pw@gmail.com` means Gmail's submission server, not an SMTP
// server at gmail.com. The domain picks the server, its port and TLS mode, and the login form the provider
// wants; `?smtp=` turns the table off (the URL names its own server), `?mode=` and a port still win over it.

export type MailMode = 'insecure' | 'starttls' | 'ssl';

/** How the provider wants the login: the full address (alice@gmail.com), the part before `@`, or as written. */
export type LoginForm = 'email' | 'user' | 'as-given';

export interface MailProvider {
  readonly name: string;
  readonly domains: RegExp;
  readonly host: string;
  readonly port: number;
  readonly mode: 'starttls' | 'ssl';
  readonly login: LoginForm;
  /** The sender cannot be derived from the login (an API key, a tenant account): the URL must give from=. */
  readonly needsFrom?: true;
}

// Fastmail hosts mail for many domains besides its own; Apprise lists them, and so does this table.
const FASTMAIL_OTHER_DOMAINS = `123mail.org airpost.net eml.cc fmail.co.uk fmgirl.com fmguy.com mailbolt.com mailcan.com
  mailhaven.com mailmight.com ml1.net mm.st myfastmail.com proinbox.com promessage.com rushpost.com sent.as sent.at
  sent.com speedymail.org warpmail.net xsmail.com 150mail.com 150ml.com 16mail.com 2-mail.com 4email.net 50mail.com
  allmail.net bestmail.us cluemail.com elitemail.org emailcorner.net emailengine.net emailengine.org emailgroups.net
  emailplus.org emailuser.net f-m.fm fast-email.com fast-mail.org fastem.com fastemail.us fastemailer.com fastest.cc
  fastimap.com fastmailbox.net fastmessaging.com fea.st fmailbox.com ftml.net h-mail.us hailmail.net imap-mail.com
  imap.cc imapmail.org inoutbox.com internet-e-mail.com internet-mail.org internetemails.net internetmailing.net
  jetemail.net justemail.net letterboxes.org mail-central.com mail-page.com mailandftp.com mailas.com mailc.net
  mailforce.net mailftp.com mailingaddress.org mailite.com mailnew.com mailsent.net mailservice.ms mailup.net
  mailworks.org mymacmail.com nospammail.net ownmail.net petml.com postinbox.com postpro.net realemail.net
  reallyfast.biz reallyfast.info speedpost.net ssl-mail.com swift-mail.com the-fastest.net the-quickest.com
  theinternetemail.com veryfast.biz veryspeedy.net yepmail.net`.split(/\s+/);

const oneOf = (domains: string[]) => new RegExp(`^(${domains.map((d) => d.replace(/[.-]/g, '\\$&')).join('|')})$`, 'i');

export const MAIL_PROVIDERS: readonly MailProvider[] = [
  { name: 'Gmail', domains: /^gmail\.com$/i, host: 'smtp.gmail.com', port: 587, mode: 'starttls', login: 'email' },
  {
    name: 'Yandex',
    domains: /^yandex\.(com|ru|ua|by|kz|uz|tr|fr)$/i,
    host: 'smtp.yandex.ru',
    port: 465,
    mode: 'ssl',
    login: 'user',
  },
  {
    name: 'Hotmail',
    domains: /^(hotmail|live)\.com(\.au)?$/i,
    host: 'smtp-mail.outlook.com',
    port: 587,
    mode: 'starttls',
    login: 'email',
  },
  { name: 'Outlook', domains: /^(smtp\.)?outlook\.com(\.au)?$/i, host: 'smtp.outlook.com', port: 587, mode: 'starttls', login: 'email' },
  {
    name: 'Office 365',
    domains: /^(smtp\.)?office365\.com$/i,
    host: 'smtp.office365.com',
    port: 587,
    mode: 'starttls',
    login: 'as-given',
    needsFrom: true,
  },
  // Apprise pairs 465 with STARTTLS here, which cannot work: 465 speaks TLS from the first byte (Yahoo's own docs).
  { name: 'Yahoo', domains: /^yahoo\.(ca|com)$/i, host: 'smtp.mail.yahoo.com', port: 465, mode: 'ssl', login: 'email' },
  { name: 'GMX', domains: /^gmx\.(com|net|de|at|ch|fr)$/i, host: 'mail.gmx.com', port: 587, mode: 'starttls', login: 'email' },
  {
    name: 'Fastmail',
    domains: /^fastmail\.(com|cn|co\.uk|com\.au|de|es|fm|fr|im|in|jp|mx|net|nl|org|se|to|tw|uk|us)$/i,
    host: 'smtp.fastmail.com',
    port: 465,
    mode: 'ssl',
    login: 'email',
  },
  { name: 'Fastmail', domains: oneOf(FASTMAIL_OTHER_DOMAINS), host: 'smtp.fastmail.com', port: 465, mode: 'ssl', login: 'email' },
  { name: 'Zoho', domains: /^zoho(mail)?\.com$/i, host: 'smtp.zoho.com', port: 587, mode: 'starttls', login: 'email' },
  // The SendGrid login is the literal user "apikey" with the key as password; the sender is a verified address.
  {
    name: 'SendGrid',
    domains: /^sendgrid\.(com|net)$/i,
    host: 'smtp.sendgrid.net',
    port: 465,
    mode: 'ssl',
    login: 'user',
    needsFrom: true,
  },
  { name: '163.com', domains: /^163\.com$/i, host: 'smtp.163.com', port: 465, mode: 'ssl', login: 'email' },
  { name: 'QQ / Foxmail', domains: /^(qq|foxmail)\.com$/i, host: 'smtp.qq.com', port: 587, mode: 'starttls', login: 'email' },
  { name: 'Comcast', domains: /^comcast\.net$/i, host: 'smtp.comcast.net', port: 465, mode: 'ssl', login: 'email' },
];

export const PORTS: Readonly<Record<MailMode, number>> = { insecure: 25, starttls: 587, ssl: 465 };

export function mailProvider(domain: string): MailProvider | undefined {
  return MAIL_PROVIDERS.find((p) => p.domains.test(domain));
}

/** What a mailto(s):// URL says about the server, before the provider table is applied. */
export interface MailServerChoice {
  secure: boolean;
  /** `?mode=`, when the URL gives one. */
  mode?: 'starttls' | 'ssl';
  domain: string;
  port?: number;
  smtp?: string;
  user?: string;
}

/** Where and how relay hands the mail over. */
export interface SmtpServer {
  host: string;
  port: number;
  mode: MailMode;
  /** The SMTP login, in the form the provider wants. */
  user?: string;
  provider?: string;
}

export function smtpServer(c: MailServerChoice): SmtpServer {
  const provider = c.smtp === undefined ? mailProvider(c.domain) : undefined;
  if (!provider) {
    const mode = c.secure ? (c.mode ?? 'starttls') : 'insecure';
    return { host: c.smtp ?? c.domain, port: c.port ?? PORTS[mode], mode, user: c.user };
  }
  // A known provider takes mail over TLS only, so even mailto:// gets its TLS mode (as in Apprise).
  const mode = c.mode ?? provider.mode;
  return {
    host: provider.host,
    port: c.port ?? (c.mode ? PORTS[c.mode] : provider.port),
    mode,
    user: c.user === undefined ? undefined : login(c.user, c.domain, provider.login),
    provider: provider.name,
  };
}

function login(user: string, domain: string, form: LoginForm): string {
  if (form === 'email') return user.includes('@') ? user : `${user}@${domain}`;
  if (form === 'user') return user.split('@')[0]!;
  return user;
}
