/**
 * The reading side's question, "did this message travel over TLS?", answered from its Received fields:
 * `receivedReport(raw)` for a message, `parseReceived(value)` for one field, and the report in plain words.
 */
export { describeHopTls, describeSummary } from './describe';
export { splitHeaderBlock, type HeaderBlock, type HeaderField } from './header-block';
export { parseReceived } from './received';
export { reportFromHeaderBlock, summarise, receivedReport } from './report';
export * from './types';
