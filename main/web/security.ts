import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import net from 'node:net';

/** 32 random bytes: 256 bits, well above the 128 the web mode requires. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

export const MIN_TOKEN_LENGTH = 22; // 22 base64url characters carry 132 bits

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) return bare === '::1';
  return false;
}

/**
 * The Host header values the server answers to. Checking Host (not only Origin) defeats DNS
 * rebinding: a page from evil.example that resolves to 127.0.0.1 still sends `Host: evil.example`.
 */
export function allowedHosts(bindHost: string, port: number): Set<string> {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  if (!isLoopback(bindHost) && bindHost !== '0.0.0.0' && bindHost !== '::') {
    hosts.add(`${net.isIPv6(bindHost) ? `[${bindHost}]` : bindHost}:${port}`.toLowerCase());
  }
  return hosts;
}

export type Refusal = { status: number; reason: string };

export interface AccessPolicy {
  readonly token: string;
  readonly hosts: Set<string>;
  readonly cookieName: string;
}

/** Checks Host, then Origin (when present), then the token; answers why it refuses. */
export function checkRequest(request: IncomingMessage, policy: AccessPolicy, url: URL): Refusal | null {
  const host = (request.headers.host ?? '').toLowerCase();
  if (!policy.hosts.has(host)) return { status: 403, reason: 'host not allowed' };
  const origin = request.headers.origin;
  if (origin !== undefined && !policy.hosts.has(originHost(origin))) return { status: 403, reason: 'origin not allowed' };
  if (!hasToken(request, policy, url)) return { status: 401, reason: 'missing or wrong token' };
  return null;
}

export function hasToken(request: IncomingMessage, policy: AccessPolicy, url: URL): boolean {
  const candidates = [url.searchParams.get('token'), readCookie(request.headers.cookie, policy.cookieName), bearer(request.headers.authorization)];
  return candidates.some((candidate) => candidate !== null && sameSecret(candidate, policy.token));
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function originHost(origin: string): string {
  try {
    const parsed = new URL(origin);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.host.toLowerCase() : '';
  } catch {
    return '';
  }
}

function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

/** For anything written to a log: the token never appears there. */
export function redact(text: string, token: string): string {
  return text.split(token).join('[token]').replace(/([?&]token=)[^&\s]+/g, '$1[token]');
}
