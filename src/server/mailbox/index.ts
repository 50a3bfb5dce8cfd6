/** Mailbox access of recipient domains (the last mile): what code outside the mailbox module imports. */
export { checkMailboxAccess, type MailboxCheckDeps } from './check';
export { CachingMailboxService } from './service';
export type { AutoconfigReport, EndpointReport, MailboxAccessReport } from './report';
