/**
 * The instances room's calls and events. Empty until its issue lands; the renderer's instances
 * screen says so plainly.
 */
export const instancesCalls = {};

export const instancesEvents = {};
