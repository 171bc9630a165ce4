import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeAgent, makeWorkspace, openCore } from '../instances/test-support';

const cores: Array<{ dispose(): Promise<void> }> = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose();
});

/** A process's nice value, field 19 of /proc/<pid>/stat (counted after the command name, which may hold spaces). */
function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe.runIf(process.platform === 'linux')('an instance priority in lanes.yml', () => {
  it('runs each agent at its `priority:` nice value, and at 10 when none is set', async () => {
    const agent = fakeAgent('--repl');
    const root = makeWorkspace([
      { name: 'Gentle', agent },
      { name: 'Plain', agent },
    ]);
    const file = path.join(root, 'lanes.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/(  - name: "Gentle"\n)/, '$1    priority: 17\n'));
    const { core, call } = await openCore(root);
    cores.push(core);
    const gentle = await call('instances.start', { name: 'Gentle' });
    const plain = await call('instances.start', { name: 'Plain' });
    expect(niceOf(gentle.pid)).toBe(17);
    expect(niceOf(plain.pid)).toBe(10);
  });

  it('refuses to start anything from a lanes.yml whose priority is out of range, naming the line', async () => {
    const root = makeWorkspace([{ name: 'Eager', agent: fakeAgent('--repl') }]);
    const file = path.join(root, 'lanes.yml');
    const text = readFileSync(file, 'utf8').replace(/(  - name: "Eager"\n)/, '$1    priority: -5\n');
    writeFileSync(file, text);
    const { core } = await openCore(root);
    cores.push(core);
    const started = await core.call('instances.start', { name: 'Eager' });
    expect(started).toMatchObject({ ok: false, error: { message: expect.stringMatching(/line 4, column 15\): `instances.0.priority` must be from 0 \(as Lanes\) to 19 \(lowest\)/) } });
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
