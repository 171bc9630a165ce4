/**
 * Whether two records from main hold the same data: each field the same value, a list the same
 * items, an object (such as an instance's usage) the same fields. One level deep, which is as deep
 * as the records the stores compare go. The stores keep the old object when the new one is the
 * same, so a screen redraws only the rows that changed.
 */
export function sameData<T extends object>(a: T, b: T): boolean {
  const keys = Object.keys(b) as (keyof T)[];
  if (keys.length !== Object.keys(a).length) return false;
  return keys.every((key) => sameValue(a[key], b[key]));
}

function sameValue(before: unknown, after: unknown): boolean {
  if (before === after) return true;
  if (Array.isArray(before) && Array.isArray(after)) return before.length === after.length && before.every((item, index) => item === after[index]);
  if (isRecord(before) && isRecord(after)) {
    const keys = Object.keys(after);
    return keys.length === Object.keys(before).length && keys.every((key) => before[key] === after[key]);
  }
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
