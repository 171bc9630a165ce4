import { z } from 'zod';

/** A request from the renderer to main: validated arguments in, validated result out. */
export interface CallSpec<Args extends z.ZodType = z.ZodType, Result extends z.ZodType = z.ZodType> {
  readonly args: Args;
  readonly result: Result;
}

/** A message main pushes to every renderer. */
export interface EventSpec<Payload extends z.ZodType = z.ZodType> {
  readonly payload: Payload;
}

export function call<Args extends z.ZodType, Result extends z.ZodType>(args: Args, result: Result): CallSpec<Args, Result> {
  return { args, result };
}

export function event<Payload extends z.ZodType>(payload: Payload): EventSpec<Payload> {
  return { payload };
}

export const noArgs = z.object({}).strict();

/** How an error crosses the transport: a stable code for programs and a message for people. */
export const wireErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type WireError = z.infer<typeof wireErrorSchema>;

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: WireError };
