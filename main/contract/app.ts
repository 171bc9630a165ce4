import { z } from 'zod';
import { call, event, noArgs } from './define';

export const appInfoSchema = z.object({
  mode: z.enum(['electron', 'web']),
  version: z.string(),
  platform: z.string(),
  /** What the About box lists: the runtimes Lanes' main process runs on (Electron's are null in the web mode). */
  runtime: z.object({ node: z.string(), electron: z.string().nullable(), chrome: z.string().nullable() }),
  capabilities: z.object({
    /** A native folder dialog exists (Electron); the web mode asks for a typed path instead. */
    pickFolder: z.boolean(),
    /** Desktop notifications are sent by main (Electron); the web mode uses the browser's. */
    nativeNotifications: z.boolean(),
  }),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const appCalls = {
  'app.info': call(noArgs, appInfoSchema),
  /** Opens an http(s) link the user clicked in the system browser (Electron only). */
  'app.openExternal': call(z.object({ url: z.url({ protocol: /^https?$/ }) }).strict(), z.null()),
};

export const appEvents = {
  /**
   * Main asks the window to run one of the palette's commands (main/contract/commands.ts): a
   * native menu item was chosen, or a notification was clicked.
   */
  'app.command': event(z.object({ command: z.string().min(1) })),
};
