import { useSyncExternalStore } from 'react';

/**
 * The Zones screen's tabs live in the URL (`#/zones`, `#/zones/violations/<instance>`, `#/zones/leases`),
 * so an instance's violation badge is a link to its violations and a reload keeps the place.
 */
export interface ZonesView {
  readonly tab: 'ownership' | 'violations' | 'leases';
  /** The instance the violations are filtered to, or null for all. */
  readonly instance: string | null;
}

function currentView(): string {
  return window.location.hash;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function viewOf(hash: string): ZonesView {
  const [screen, tab, instance] = hash.replace(/^#\/?/, '').split('/');
  if (screen === 'zones' && tab === 'leases') return { tab: 'leases', instance: null };
  if (screen !== 'zones' || tab !== 'violations') return { tab: 'ownership', instance: null };
  return { tab: 'violations', instance: instance ? decodeURIComponent(instance) : null };
}

export function useZonesView(): ZonesView {
  const hash = useSyncExternalStore(subscribe, currentView);
  return viewOf(hash);
}

export function violationsLink(instance?: string | null): string {
  return instance ? `#/zones/violations/${encodeURIComponent(instance)}` : '#/zones/violations';
}

export const OWNERSHIP_LINK = '#/zones';
export const LEASES_LINK = '#/zones/leases';
