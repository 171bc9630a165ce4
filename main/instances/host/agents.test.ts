import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/repo';
import { waitFor } from '../test-support';
import { HostAgents, type AgentSnapshot } from './agents';
import { usageShowsDifferently } from './instance-process';

const MIB = 1024 * 1024;

describe('pty host: CPU and memory of the agents', () => {
  it('tells clients of an agent\'s usage when it changes as the screen shows it, and says nothing while an agent waits at its prompt', async () => {
    const changes: AgentSnapshot[] = [];
    const agents = new HostAgents(makeTempDir('lanes-usage-'), (name, payload) => void (name === 'changed' && changes.push(payload as AgentSnapshot)), () => undefined, undefined, 100);
    const call = agents.handlers();
    const spec = (script: string) => ({ file: process.execPath, args: ['-e', script], cwd: '/', env: { PATH: process.env.PATH ?? '' }, hooks: false });
    const workspace = '/work/space';
    try {
      // One waits for input, as an agent at its prompt; one grows by 2 MiB every 50 ms.
      await call['agents.start']!({ workspace, name: 'idle', spec: spec('process.stdin.resume()') }, undefined as never);
      await call['agents.start']!({ workspace, name: 'growing', spec: spec('const kept = []; setInterval(() => kept.push(Buffer.alloc(2 * 1024 * 1024, 1)), 50)') }, undefined as never);
      const usageOf = (name: string) => changes.filter((snapshot) => snapshot.name === name && snapshot.state.usage !== null);
      await waitFor(() => usageOf('idle').length > 0 && usageOf('growing').length > 0, 'a first sample of both agents');
      const first = usageOf('idle')[0]!.state.usage!;
      expect(first.processes).toBe(1);
      expect(first.memory).toBeGreaterThan(10 * MIB);
      // Node settles in the first moments; then 15 samples pass.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const idleBefore = usageOf('idle').length;
      const growingBefore = usageOf('growing').length;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(usageOf('idle').length - idleBefore).toBeLessThanOrEqual(1);
      expect(usageOf('growing').length - growingBefore).toBeGreaterThanOrEqual(5);
      const [earlier, later] = [usageOf('growing').at(-5)!.state.usage!, usageOf('growing').at(-1)!.state.usage!];
      expect(later.memory - earlier.memory).toBeGreaterThan(4 * MIB);
    } finally {
      await agents.dispose();
    }
  });

  it('reads a usage as the screen does: whole percent of CPU, whole MiB, and the count of processes', () => {
    const usage = { cpu: 12.2, memory: 300 * MIB, processes: 2 };
    expect(usageShowsDifferently(usage, { ...usage, cpu: 12.4, memory: 300 * MIB + 100_000 })).toBe(false);
    expect(usageShowsDifferently(usage, { ...usage, cpu: 12.6 })).toBe(true);
    expect(usageShowsDifferently(usage, { ...usage, memory: 301 * MIB })).toBe(true);
    expect(usageShowsDifferently(usage, { ...usage, processes: 3 })).toBe(true);
    expect(usageShowsDifferently(null, usage)).toBe(true);
    expect(usageShowsDifferently(usage, null)).toBe(true);
    expect(usageShowsDifferently(null, null)).toBe(false);
  });
});
