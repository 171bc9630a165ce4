import { describe, expect, it } from 'vitest';
import { bridgedCore } from '../test-support';

describe('commands main asks the window to run (menus, notification clicks)', () => {
  it('runs the command offered under that id, and nothing for one not offered now', async () => {
    const { core } = await bridgedCore();
    const { useCommandRegistry } = await import('./commands');
    const { runCommand } = await import('./shell-commands');
    const { lanes } = await import('../client');
    const ran: string[] = [];
    useCommandRegistry.getState().set('test', [
      { id: 'go.zones', title: 'Go to Zones', group: 'Go to', run: () => void ran.push('zones') },
      { id: 'instance.stop.api', title: 'Stop api', group: 'Instances', enabled: false, run: () => void ran.push('stop api') },
    ]);
    const asked = new Promise<string>((resolve) => lanes.on('app.command', ({ command }) => resolve(command)));
    core.emit('app.command', { command: 'go.zones' });
    expect(runCommand(await asked)).toBe(true);
    expect(runCommand('instance.stop.api')).toBe(false);
    expect(runCommand('instance.show.gone')).toBe(false);
    expect(ran).toEqual(['zones']);
  });
});
