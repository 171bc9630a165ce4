import type { RequestSummary } from '../../../main/contract/requests';

/**
 * A request as the board holds it, for tests of what is computed from summaries: a file of the
 * requests folder (`done/…` is done), `YYYYMMDD_slug.md` names giving the date and slug, from
 * Windows to VSCode; `fields` override the rest.
 */
export function requestSummary(file: string, fields: Partial<RequestSummary> = {}): RequestSummary {
  const name = file.slice(file.lastIndexOf('/') + 1);
  const match = /^(\d{4})(\d{2})(\d{2})_(.+)\.md$/.exec(name);
  return {
    file,
    path: `docs/cross-instance-prs/${file}`,
    name,
    status: file.startsWith('done/') ? 'done' : 'open',
    title: name,
    from: 'Windows',
    to: 'VSCode',
    fromInstance: 'Windows',
    toInstance: 'VSCode',
    date: match ? `${match[1]}-${match[2]}-${match[3]}` : null,
    slug: match ? match[4]! : name.replace(/\.md$/, ''),
    priority: null,
    urgency: null,
    importance: null,
    quadrant: null,
    blockedBy: [],
    whenUnblocked: 'notify',
    hasFrontMatter: false,
    warnings: [],
    editable: true,
    modifiedAt: '2026-04-13T10:00:00.000Z',
    size: 1,
    version: file,
    ...fields,
  };
}
