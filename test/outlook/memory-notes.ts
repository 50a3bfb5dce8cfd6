/** Local storage as a pane and a new message's check share it at the add-in's origin, in memory for a test. */
import { NOTES_KEY, type Note, type NoteStore } from '../../src/outlook/hand-off-notes';

export interface MemoryNotes extends NoteStore {
  /** What is stored under the notes' key, parsed; `undefined` when nothing was written. */
  stored(): Note[] | undefined;
}

export function memoryNotes(): MemoryNotes {
  const saved = new Map<string, string>();
  return {
    getItem: (key) => saved.get(key) ?? null,
    setItem: (key, value) => void saved.set(key, value),
    stored: () => {
      const value = saved.get(NOTES_KEY);
      return value === undefined ? undefined : (JSON.parse(value) as Note[]);
    },
  };
}
