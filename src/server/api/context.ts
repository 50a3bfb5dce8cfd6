/** What every API plugin is registered with: validated once in `buildApp`, read-only afterwards. */
import type { Clock } from '../../core/clock';
import type { Policy } from '../../core/policy/schema';
import type { Config } from '../config/schema';
import type { Metrics } from '../observability/metrics';
import type { KeyInspector, KeyService, TransportService } from '../services';
import type { Store } from '../store/store';
import type { ServedPolicy } from './served-policy';

export interface ApiContext {
  config: Config;
  store: Store;
  policy: Policy;
  /** `policy` as clients get it; the keyring routes tell it when the keyring changes. */
  servedPolicy: ServedPolicy;
  transport: TransportService;
  keys: KeyService;
  keyInspector: KeyInspector;
  metrics: Metrics;
  clock: Clock;
}
