import { useSyncExternalStore } from 'react';

export const SCREENS = [
  { id: 'workspace', label: 'Workspace', key: '1' },
  { id: 'instances', label: 'Instances', key: '2' },
  { id: 'zones', label: 'Zones', key: '3' },
  { id: 'requests', label: 'Requests', key: '4' },
  { id: 'memory', label: 'Memory', key: '5' },
  { id: 'plan', label: 'Plan', key: '6' },
  { id: 'conflicts', label: 'Conflicts', key: '7' },
] as const;

export type ScreenId = (typeof SCREENS)[number]['id'];

function currentScreen(): ScreenId {
  const id = window.location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return SCREENS.some((screen) => screen.id === id) ? (id as ScreenId) : 'workspace';
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The screen named by the URL hash (`#/zones`), so reloads and links keep their place. */
export function useScreen(): ScreenId {
  return useSyncExternalStore(subscribe, currentScreen);
}

export function goTo(screen: ScreenId): void {
  window.location.hash = `#/${screen}`;
}
