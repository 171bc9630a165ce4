import { describe, expect, it } from 'vitest';
import { bridgedCore } from '../test-support';

describe('the app store', () => {
  it('holds what main says about itself once loaded; behind the preload bridge it is connected from the start', async () => {
    await bridgedCore();
    const { useApp } = await import('./app-store');
    expect(useApp.getState()).toMatchObject({ info: null, connected: true });

    await useApp.getState().load();

    expect(useApp.getState().info).toEqual({
      mode: 'web',
      version: 'test',
      platform: process.platform,
      runtime: { node: process.versions.node, electron: null, chrome: null },
      capabilities: { pickFolder: false, nativeNotifications: false },
    });
  });
});
