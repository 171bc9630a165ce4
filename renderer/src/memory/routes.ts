import { useSyncExternalStore } from 'react';
import { memoryFileOfLink, type MemorySourceId } from '../../../main/contract/memory';

/** What the memory screen shows, kept in the address (`#/memory?source=repo&file=user_a.md`) so links and Back work. */
export type MemoryView = { view: 'file'; source: MemorySourceId; file: string } | { view: 'shared' } | { view: 'none'; source: MemorySourceId };

export function fileHref(source: MemorySourceId, file: string): string {
  return `#/memory?${new URLSearchParams({ source, file }).toString()}`;
}

export const SHARED_STATE_HREF = '#/memory?view=shared';

export function sourceHref(source: MemorySourceId): string {
  return `#/memory?${new URLSearchParams({ source }).toString()}`;
}

function parse(hash: string): MemoryView {
  const query = hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '';
  const params = new URLSearchParams(query);
  if (params.get('view') === 'shared') return { view: 'shared' };
  const source: MemorySourceId = params.get('source') === 'claude' ? 'claude' : 'repo';
  const file = params.get('file');
  return file ? { view: 'file', source, file } : { view: 'none', source };
}

let cachedHash = '';
let cachedView: MemoryView = parse('');

function current(): MemoryView {
  if (window.location.hash !== cachedHash) {
    cachedHash = window.location.hash;
    cachedView = parse(cachedHash);
  }
  return cachedView;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useMemoryView(): MemoryView {
  return useSyncExternalStore(subscribe, current);
}

export function navigate(href: string): void {
  window.location.hash = href.slice(1);
}

/**
 * Where a link in a memory file leads: another file of the same folder (opened here), a web
 * address (opened outside Lanes), or something else (a repository path, an anchor) that is
 * shown but not followed.
 */
export type LinkTarget = { kind: 'memory'; file: string } | { kind: 'external'; href: string } | { kind: 'inert' };

export function classifyLink(href: string | undefined): LinkTarget {
  if (!href) return { kind: 'inert' };
  if (/^(https?:|mailto:)/i.test(href)) return { kind: 'external', href };
  const file = memoryFileOfLink(href);
  return file === null ? { kind: 'inert' } : { kind: 'memory', file };
}
