/**
 * One SMTP client connection under deadlines (net/probe-connection.ts), reading SMTP replies (smtp-reply.ts).
 */
import { ProbeConnection, type ConnectionContext } from '../net/probe-connection';
import { ReplyParser, type SmtpReply } from './smtp-reply';

export { ProbeFailure, type Dial, type ProbeOutcome } from '../net/probe-connection';

export type ProbePhase = 'connect' | 'banner' | 'ehlo' | 'starttls' | 'tls' | 'ehlo-tls' | 'quit';

export class SmtpConnection extends ProbeConnection<SmtpReply, ProbePhase> {
  constructor(target: { address: string; port: number }, context: ConnectionContext) {
    super(target, context, new ReplyParser(), 'SMTP');
  }

  quit(ms: number): Promise<void> {
    return this.politely(() => this.command('quit', 'QUIT', ms));
  }
}
