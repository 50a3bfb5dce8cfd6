/** What every API plugin is registered with: validated once in `buildApp`, read-only afterwards. */
import type { Clock } from '../../core/clock';
import type { Policy } from '../../core/policy/schema';
import type { Config } from '../config/schema';
import type { Metrics } from '../observability/metrics';
import type { KeyInspector, KeyService, TransportService } from '../services';
import type { Store } from '../store/store';

export interface ApiContext {
  config: Config;
  store: Store;
  policy: Policy;
  transport: TransportService;
  keys: KeyService;
  keyInspector: KeyInspector;
  metrics: Metrics;
  clock: Clock;
}
