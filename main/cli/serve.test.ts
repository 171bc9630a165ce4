import { afterEach, describe, expect, it, vi } from 'vitest';
import { runServe } from './serve';

afterEach(() => {
  delete process.env.LANES_TOKEN;
  vi.restoreAllMocks();
});

describe('lanes serve', () => {
  it('refuses a token in its environment, where the agents it starts could read it, and says what to use instead', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    process.env.LANES_TOKEN = 'a-token-that-agents-must-never-see';
    expect(await runServe(['--no-open', '--port', '0'])).toBe(2);
    expect(errors.join('\n')).toMatch(/^LANES_TOKEN is set, but Lanes does not take the web token from its environment: every agent it starts could read it there .*--token-file/);
  });

  it('asks for the path when --token-file has none', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    expect(await runServe(['--no-open', '--token-file'])).toBe(2);
    expect(errors).toEqual(['--token-file needs the path of a file holding the token, for example `--token-file ~/.lanes-token`.']);
  });
});
