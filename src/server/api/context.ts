/** What every API plugin is registered with: validated once in `buildApp`, read-only afterwards. */
import type { Clock } from '../../core/clock';
import type { Policy } from '../../core/policy/schema';
import type { Config } from '../config/schema';
import type { Metrics } from '../observability/metrics';
import type { KeyInspector, KeyService, TransportService } from '../services';
import type { Store } from '../store/store';
import type { SignInDirectory } from '../escrow/sign-in-directory';
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
  /** Who vouches for a recipient's address by sign-in: the assess answer names it per external recipient. */
  signIn: SignInDirectory;
  metrics: Metrics;
  clock: Clock;
}
