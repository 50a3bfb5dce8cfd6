/** How the sender reads a group of a split in every sentence: its recipients, then its protection. */
import { listed } from '../../core/english';
import type { PlanGroup } from '../../core/plan';
import { PROTECTION_NAMES } from '../../core/vocabulary';

/** "bob@x.example and cy@x.example (OpenPGP)". */
export const groupName = (group: PlanGroup) =>
  `${listed(group.addresses)} (${PROTECTION_NAMES[group.protection]})`;

/** Several groups in one sentence. */
export const groupNames = (groups: readonly PlanGroup[]) => listed(groups.map(groupName));
