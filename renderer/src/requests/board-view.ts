import { newestFirst, type RequestStatus, type RequestSummary } from '../../../main/contract/requests';

/** What the board shows in each column after the instance filter and the search. */
export function columnsOf(
  requests: readonly RequestSummary[],
  options: { pending: Record<string, RequestStatus>; instance: string; matches: ReadonlySet<string> | null },
): Record<RequestStatus, RequestSummary[]> {
  const columns: Record<RequestStatus, RequestSummary[]> = { open: [], 'in-progress': [], blocked: [], done: [] };
  for (const request of requests) {
    if (options.instance !== '' && request.fromInstance !== options.instance && request.toInstance !== options.instance) continue;
    if (options.matches && !options.matches.has(request.file)) continue;
    columns[options.pending[request.file] ?? request.status].push(request);
  }
  for (const list of Object.values(columns)) list.sort(newestFirst);
  return columns;
}

/** "today", "yesterday", "5 days ago": from the date in the file name, else the file's time. */
export function ageOf(request: RequestSummary, now = new Date()): string {
  const day = request.date ? new Date(`${request.date}T00:00:00`) : new Date(request.modifiedAt);
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const start = new Date(day.getFullYear(), day.getMonth(), day.getDate());
  const days = Math.round((today.getTime() - start.getTime()) / 86_400_000);
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  if (days < 60) return `${days} days ago`;
  const months = Math.round(days / 30);
  return months < 24 ? `${months} months ago` : `${Math.round(days / 365)} years ago`;
}

/** Why the receiver deserves a marker, or null: it names no instance of lanes.yml. */
export function receiverProblem(request: RequestSummary, instances: readonly string[]): string | null {
  if (request.to === null) return 'This request names no receiver.';
  if (request.toInstance === null && instances.length > 0) return `"${request.to}" is not an instance in lanes.yml.`;
  return null;
}
