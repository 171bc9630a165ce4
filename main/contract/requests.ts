/**
 * The requests room's calls and events. Empty until its issue lands; the renderer's requests
 * screen says so plainly.
 */
export const requestsCalls = {};

export const requestsEvents = {};
