import { describe, expect, it } from 'vitest';
import { columnsOf } from './board-view';
import { requestSummary } from './test-support';

const request = (name: string, date: string | null, modifiedAt: string) => requestSummary(name, { date, modifiedAt });

describe('columnsOf', () => {
  it('lists each column newest first: by the date in the name, else the file time, then the time, then the name', () => {
    const requests = [
      request('20260401_a.md', '2026-04-01', '2026-04-20T10:00:00.000Z'),
      request('b.md', null, '2026-04-12T09:00:00.000Z'),
      request('20260412_c.md', '2026-04-12', '2026-04-12T08:00:00.000Z'),
      request('20261101_d.md', '2026-11-01', '2026-04-01T00:00:00.000Z'),
      request('20260412_e.md', '2026-04-12', '2026-04-12T09:00:00.000Z'),
    ];
    const { open } = columnsOf(requests, { pending: {}, instance: '', matches: null });
    expect(open.map((item) => item.name)).toEqual(['20261101_d.md', '20260412_e.md', 'b.md', '20260412_c.md', '20260401_a.md']);
  });
});
