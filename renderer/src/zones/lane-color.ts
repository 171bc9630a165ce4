/** The owner colour of the instance at `index` (the lead's --lane-1 … --lane-8). */
export function laneColor(index: number): string {
  return `var(--lane-${(index % 8) + 1})`;
}
