import { describe, expect, it } from 'vitest';
import type { RequestSummary } from '../contract/requests';
import { requestSummary } from '../../renderer/src/requests/test-support';
import { blockerResolver, cyclesOf, levelsOf, newlyUnblocked, planOf, quadrantOf, waitingCounts, wavesOf } from './plan';

const request = requestSummary;

describe('the priority matrix', () => {
  it('places a request only when both urgency and importance are set, and maps each quadrant back', () => {
    expect(quadrantOf('high', 'high')).toBe('do-first');
    expect(quadrantOf('low', 'high')).toBe('schedule');
    expect(quadrantOf('high', 'low')).toBe('delegate');
    expect(quadrantOf('low', 'low')).toBe('later');
    expect(quadrantOf('high', null)).toBeNull();
    for (const quadrant of ['do-first', 'schedule', 'delegate', 'later'] as const) {
      const { urgency, importance } = levelsOf(quadrant);
      expect(quadrantOf(urgency, importance)).toBe(quadrant);
    }
    expect(levelsOf(null)).toEqual({ urgency: null, importance: null });
  });
});

describe('blocked_by names', () => {
  const requests = [request('20260413_groq.md'), request('done/20260412_schema.md'), request('20260414_ui.md'), request('20260415_ui.md')];
  const resolve = blockerResolver(requests);

  it('finds a request by its whole file name, without .md, without the date, and in done/', () => {
    expect(resolve('20260413_groq.md', 'x.md').file).toBe('20260413_groq.md');
    expect(resolve('20260413_GROQ', 'x.md').file).toBe('20260413_groq.md');
    expect(resolve('groq', 'x.md').file).toBe('20260413_groq.md');
    expect(resolve('20260412_schema.md', 'x.md').file).toBe('done/20260412_schema.md');
    expect(resolve('done/schema', 'x.md').file).toBe('done/20260412_schema.md');
  });

  it('says why a name finds no request: missing, ambiguous, a path, or itself', () => {
    expect(resolve('nothing', 'x.md')).toEqual({ ref: 'nothing', file: null, problem: 'No request is named "nothing".' });
    expect(resolve('ui', 'x.md').problem).toMatch(/names 2 requests \(20260414_ui\.md, 20260415_ui\.md\); write the whole file name/);
    expect(resolve('../secret.md', 'x.md').problem).toMatch(/is not a request file name/);
    expect(resolve('groq', '20260413_groq.md').problem).toBe('A request cannot wait for itself.');
  });
});

describe('the plan', () => {
  it('orders requests in waves: blockers first, one request per receiver a wave, the most pressing first', () => {
    const plan = planOf([
      request('20260410_schema.md', { toInstance: 'Windows', to: 'Windows' }),
      request('20260411_api.md', { toInstance: 'Windows', to: 'Windows', blockedBy: ['schema'] }),
      request('20260412_ui.md', { blockedBy: ['api'] }),
      // Same receiver as the ui, more pressing, blocked by nothing: it takes the first VSCode slot.
      request('20260413_icons.md', { quadrant: 'do-first' }),
      request('20260409_docs.md', { quadrant: 'later' }),
      request('done/20260401_old.md', { toInstance: 'Windows' }),
      request('20260414_after_old.md', { toInstance: 'Other', to: 'Other', blockedBy: ['old'] }),
    ]);
    expect(plan.waves).toEqual([
      // In priority order: a placed quadrant before the unsorted tray, then the oldest.
      ['20260413_icons.md', '20260410_schema.md', '20260414_after_old.md'],
      ['20260409_docs.md', '20260411_api.md'],
      ['20260412_ui.md'],
    ]);
    expect(plan.cycles).toEqual([]);
    expect(plan.unordered).toEqual([]);
    const ui = plan.requests.find((entry) => entry.file === '20260412_ui.md')!;
    expect(ui).toMatchObject({ wave: 2, inCycle: false, blockers: [{ ref: 'api', file: '20260411_api.md', problem: null }] });
    expect(plan.requests.find((entry) => entry.file === '20260410_schema.md')!.blocks).toEqual(['20260411_api.md']);
    expect(plan.requests.find((entry) => entry.file === 'done/20260401_old.md')!.wave).toBeNull();
  });

  it('flags cycles and everything behind them, and orders the rest; a missing blocker does not hold a request back', () => {
    const plan = planOf([
      request('20260410_a.md', { blockedBy: ['b'] }),
      request('20260410_b.md', { blockedBy: ['c'], toInstance: 'Windows' }),
      request('20260410_c.md', { blockedBy: ['a'], toInstance: 'Other' }),
      request('20260411_behind.md', { blockedBy: ['c'], toInstance: 'Fourth' }),
      request('20260412_free.md', { blockedBy: ['ghost'], toInstance: 'Fifth' }),
    ]);
    expect(plan.cycles).toEqual([['20260410_a.md', '20260410_b.md', '20260410_c.md']]);
    expect(plan.waves).toEqual([['20260412_free.md']]);
    expect(plan.unordered.map((entry) => entry.file).sort()).toEqual(['20260410_a.md', '20260410_b.md', '20260410_c.md', '20260411_behind.md']);
    expect(plan.unordered.find((entry) => entry.file === '20260410_a.md')!.reason).toMatch(/cycle of `blocked_by`: 20260410_a\.md → 20260410_b\.md → 20260410_c\.md → 20260410_a\.md/);
    expect(plan.unordered.find((entry) => entry.file === '20260411_behind.md')!.reason).toMatch(/waits on “20260410_c\.md”/);
    expect(plan.requests.find((entry) => entry.file === '20260412_free.md')!.blockers[0]!.problem).toBe('No request is named "ghost".');
    expect(plan.requests.find((entry) => entry.file === '20260410_a.md')!.inCycle).toBe(true);
  });

  it('does not count a cycle through a finished request', () => {
    const plan = planOf([request('done/20260410_a.md', { blockedBy: ['b'] }), request('20260410_b.md', { blockedBy: ['a'] })]);
    expect(plan.cycles).toEqual([]);
    expect(plan.waves).toEqual([['20260410_b.md']]);
  });

  it('looks at each request and asks for its blockers once, however many waves a few receivers make', () => {
    // 500 open requests for two receivers make 250 waves: asking again for every wave made the
    // plan of a big board take a fifth of a second, after every change of any file.
    const files = Array.from({ length: 500 }, (_, index) => `20260101_r${String(index).padStart(3, '0')}.md`);
    const requests = new Map(files.map((file, index) => [file, request(file, { toInstance: index % 2 === 0 ? 'Windows' : 'VSCode' })]));
    const asked: string[] = [];
    const waitsFor = (file: string) => {
      asked.push(file);
      return file === files[499] ? [files[0]!] : [];
    };
    const looked: string[] = [];
    const requestOf = (file: string) => {
      looked.push(file);
      return requests.get(file)!;
    };
    const waves = wavesOf(files, waitsFor, requestOf);
    expect(waves).toHaveLength(250);
    expect(waves[0]).toEqual([files[0], files[1]]);
    expect(waves.flat().sort()).toEqual(files);
    expect(asked.sort()).toEqual(files);
    expect(looked.sort()).toEqual(files);
  });

  it('finds cycles in a chain of ten thousand requests without running out of stack', () => {
    const files = Array.from({ length: 10_000 }, (_, index) => `r${index}`);
    const waitsFor = (file: string) => [`r${(Number(file.slice(1)) + 1) % files.length}`];
    const cycles = cyclesOf(files, waitsFor);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(10_000);
    expect(cyclesOf(files, (file) => (file === 'r9999' ? [] : waitsFor(file)))).toEqual([]);
  });
});

describe('unblocking', () => {
  const ui = request('20260412_ui.md', { blockedBy: ['api', 'schema'] });
  const start = [request('20260410_schema.md'), request('20260411_api.md'), ui];
  const schemaDone = [request('done/20260410_schema.md'), request('20260411_api.md'), ui];
  const allDone = [request('done/20260410_schema.md'), request('done/20260411_api.md'), ui];
  const unblockedBetween = (before: RequestSummary[], after: RequestSummary[]) => {
    const counts = waitingCounts(before);
    return newlyUnblocked(counts, waitingCounts(after, counts), after).map((entry) => entry.file);
  };

  it('names a request once its last blocker reaches done, and not before', () => {
    expect(unblockedBetween(start, schemaDone)).toEqual([]);
    expect(unblockedBetween(schemaDone, allDone)).toEqual(['20260412_ui.md']);
    expect(unblockedBetween(allDone, allDone)).toEqual([]);
    expect(unblockedBetween(schemaDone, [...allDone.slice(0, 2), { ...ui, file: 'done/20260412_ui.md', status: 'done' }])).toEqual([]);
  });

  it('sees a blocker moved into done/ in two steps (gone, then there), and never a deleted one', () => {
    const gone = [request('done/20260410_schema.md'), ui];
    const first = waitingCounts(schemaDone);
    const between = waitingCounts(gone, first);
    expect(newlyUnblocked(first, between, gone)).toEqual([]);
    expect(newlyUnblocked(between, waitingCounts(allDone, between), allDone).map((entry) => entry.file)).toEqual(['20260412_ui.md']);
    expect(newlyUnblocked(between, waitingCounts(gone, between), gone)).toEqual([]);
  });
});
