/** The request shapes the key routes share (api/keys.ts, api/pins.ts). */
import { z } from 'zod';
import { Fingerprint } from '../../core/wire';

export const AddressParams = z.strictObject({ address: z.string().min(3).max(320) });
export const FingerprintBody = z.strictObject({ fingerprint: Fingerprint });
