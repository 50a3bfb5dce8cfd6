/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/// <reference types="office-js" />
/**
 * The read pane's entry in Outlook (and on the try-it read page, whose simulated `Office` stands in): the
 * transport report of the message being read.
 */
import { createRoot } from 'react-dom/client';
import { ReadPane } from '../addin/ui/ReadPane';
import { createOfficeReadHost } from './office-read-host';
import { hasOutlookItem, showOutsideOutlook } from './outside-outlook';

void Office.onReady(() => {
  if (!hasOutlookItem(Office))
    return showOutsideOutlook(
      'Sendguard’s transport report works inside Outlook: open it on a message you received.',
    );
  createRoot(document.getElementById('root')!).render(<ReadPane host={createOfficeReadHost(Office)} />);
});
