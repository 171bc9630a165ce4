/**
 * The zones room's calls and events. Empty until its issue lands; the renderer's zones
 * screen says so plainly.
 */
export const zonesCalls = {};

export const zonesEvents = {};
