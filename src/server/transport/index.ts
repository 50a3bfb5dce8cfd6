/** Recipient-domain transport checks: what code outside the transport module (the CLI) imports. */
export { CachingTransportService } from './service';
export { MemoryStsCache } from './mta-sts';
export type { AddressReport, TransportReport } from './report';
