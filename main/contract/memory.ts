/**
 * The memory room's calls and events. Empty until its issue lands; the renderer's memory
 * screen says so plainly.
 */
export const memoryCalls = {};

export const memoryEvents = {};
