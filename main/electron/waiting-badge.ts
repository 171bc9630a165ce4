/**
 * How the desktop shows the number of agents waiting for the user. macOS's dock and Linux
 * launchers that support it take a count (`app.setBadgeCount`); Windows has no count on a taskbar
 * button, so its button gets an overlay icon, a red dot, whose description says the number to
 * screen readers. Kept free of Electron so it is tested in plain Node.
 */

/** A 16×16 red dot with a white rim, as a PNG (Windows' taskbar overlay). */
export const WAITING_DOT_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAcElEQVR42mP4//8/AyUYm6AsEHcA8WUg/gXFl6FisoQMSIFqwAV+QdVgNSAFpuqmrgJWjARS0A2QhdmMSzOaIb9g3oEZ0EGMZjRDOpANuEyGAZeRDfhFhgG/qGoAxV6gOBApjkaKExJVkjJVMhPJGADFLPU7CAh6kAAAAABJRU5ErkJggg==';

export interface WaitingBadge {
  /** For app.setBadgeCount (macOS, Linux). */
  readonly count: number;
  /** Windows only: the taskbar overlay, or null to clear it. */
  readonly overlay: { readonly description: string } | null | undefined;
}

export function waitingBadge(waiting: number, platform: NodeJS.Platform): WaitingBadge {
  if (platform !== 'win32') return { count: waiting, overlay: undefined };
  return { count: waiting, overlay: waiting > 0 ? { description: waiting === 1 ? '1 agent is waiting for you' : `${waiting} agents are waiting for you` } : null };
}
