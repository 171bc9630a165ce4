import { useSyncExternalStore } from 'react';
import { SCREENS, type ScreenId } from '../../../main/contract/commands';

export { SCREENS, type ScreenId };

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
