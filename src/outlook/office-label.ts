/// <reference types="office-js" />
/** The compose item's sensitivity label by name, where this Outlook gives add-ins the label and its catalog. */
import { officeAsync } from './office-async';

export async function sensitivityLabelName(
  office: typeof Office,
  item: Office.MessageCompose,
): Promise<string | undefined> {
  if (!item.sensitivityLabel || !office.context.sensitivityLabelsCatalog) return undefined;
  const id = await officeAsync<string>('reading the sensitivity label', (cb) =>
    item.sensitivityLabel.getAsync(cb),
  );
  if (!id) return undefined;
  const catalog = await officeAsync<Office.SensitivityLabelDetails[]>('reading the label catalog', (cb) =>
    office.context.sensitivityLabelsCatalog.getAsync(cb),
  );
  const flat = catalog.flatMap((label) => [label, ...(label.children ?? [])]);
  return flat.find((label) => label.id === id)?.name ?? id;
}
