import type { Activators, SensorInstance, SensorProps } from '@dnd-kit/core';

/** A card's offset from where it was picked up, in pixels. */
export interface Coordinates {
  x: number;
  y: number;
}

/** A column's or card's place on screen, in viewport pixels. */
export interface Box {
  left: number;
  top: number;
  width: number;
}

/**
 * Where a card that started at `start` and has moved by `translate` goes for one step left or
 * right: centred in the neighbouring column, no higher than a little below its top. Returns the
 * new translate, or `null` when there is no column that way.
 */
export function columnStep(start: Box, translate: Coordinates, columns: readonly Box[], direction: 1 | -1): Coordinates | null {
  const sorted = [...columns].sort((a, b) => a.left - b.left);
  const centre = start.left + translate.x + start.width / 2;
  const inside = sorted.findIndex((column) => centre >= column.left && centre <= column.left + column.width);
  const target =
    inside !== -1
      ? sorted[inside + direction]
      : direction === 1
        ? sorted.find((column) => column.left > centre)
        : sorted.findLast((column) => column.left + column.width < centre);
  if (!target) return null;
  const top = Math.max(start.top + translate.y, target.top + 8);
  return { x: target.left + (target.width - start.width) / 2 - start.left, y: top - start.top };
}

/** A drop area's place on screen, in viewport pixels. */
export interface Area extends Box {
  height: number;
}

export type Direction = 'left' | 'right' | 'up' | 'down';

/**
 * Where a card goes for one step in a grid of drop areas (the priority matrix): into the nearest
 * area that lies wholly that way from the one it is over, preferring the one most in line,
 * then the higher, then the more left. Returns the new translate, or `null` when there is none.
 */
export function areaStep(start: Box, translate: Coordinates, areas: readonly Area[], direction: Direction): Coordinates | null {
  const x = start.left + translate.x + start.width / 2;
  const y = start.top + translate.y + 8;
  const over = areas.find((area) => x >= area.left && x <= area.left + area.width && y >= area.top && y <= area.top + area.height);
  const from = over ?? { left: x, top: y, width: 0, height: 0 };
  const centre = (area: Area) => ({ x: area.left + area.width / 2, y: area.top + area.height / 2 });
  const here = centre(from);
  const beyond: Record<Direction, (area: Area) => number | null> = {
    right: (area) => (area.left >= from.left + from.width - 1 ? area.left - (from.left + from.width) : null),
    left: (area) => (area.left + area.width <= from.left + 1 ? from.left - (area.left + area.width) : null),
    down: (area) => (area.top >= from.top + from.height - 1 ? area.top - (from.top + from.height) : null),
    up: (area) => (area.top + area.height <= from.top + 1 ? from.top - (area.top + area.height) : null),
  };
  const across = (area: Area) => (direction === 'left' || direction === 'right' ? Math.abs(centre(area).y - here.y) : Math.abs(centre(area).x - here.x));
  const target = areas
    .filter((area) => area !== over && beyond[direction](area) !== null)
    .sort((a, b) => beyond[direction](a)! + 2 * across(a) - (beyond[direction](b)! + 2 * across(b)) || a.top - b.top || a.left - b.left)[0];
  if (!target) return null;
  return { x: target.left + (target.width - start.width) / 2 - start.left, y: target.top + 40 - start.top };
}

/** How the keyboard drag moves: a column at a time (the board), or in four directions over a grid of areas (the matrix). */
export interface KeyboardDragOptions {
  grid?: boolean;
}

const ARROWS: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

const START = ['Space', 'Enter'];
const END = ['Space', 'Enter', 'Tab'];

/**
 * The board's keyboard drag: Space or Enter picks a card up, ← and → carry it a column at a
 * time (with `grid`, the four arrows carry it between areas), Space, Enter or Tab drops it,
 * Escape puts it back.
 *
 * dnd-kit's own KeyboardSensor starts listening for keys only after a timeout, and moves a card
 * only once the board has measured itself, so a user quicker than that (Space → Space in one go)
 * lost keys and the card stayed put. This sensor listens at once, keeps every key, and plays them
 * in order, each once the board has caught up with the one before, so the drop always lands
 * where the arrows said.
 */
export class ColumnKeyboardSensor implements SensorInstance {
  autoScrollEnabled = false;

  static activators: Activators<KeyboardDragOptions> = [
    {
      eventName: 'onKeyDown',
      handler: (event: React.KeyboardEvent, _options, { active }) => {
        if (!START.includes(event.nativeEvent.code) || event.nativeEvent.repeat) return false;
        const activator = active.activatorNode.current;
        if (activator && event.target !== activator) return false;
        event.preventDefault();
        return true;
      },
    },
  ];

  private readonly props: SensorProps<KeyboardDragOptions>;
  private readonly start: Box;
  private translate: Coordinates = { x: 0, y: 0 };
  private readonly queue: KeyboardEvent[] = [];
  private frame = 0;
  private waitedFrames = 0;
  private done = false;
  private readonly view: Window;

  constructor(props: SensorProps<KeyboardDragOptions>) {
    this.props = props;
    const node = props.activeNode.node.current;
    node?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    const rect = node?.getBoundingClientRect();
    this.start = { left: rect?.left ?? 0, top: rect?.top ?? 0, width: rect?.width ?? 0 };
    this.onKeyDown = this.onKeyDown.bind(this);
    this.cancel = this.cancel.bind(this);
    this.view = node?.ownerDocument.defaultView ?? window;
    this.view.document.addEventListener('keydown', this.onKeyDown);
    this.view.document.addEventListener('visibilitychange', this.cancel);
    this.view.addEventListener('resize', this.cancel);
    props.onStart({ x: 0, y: 0 });
  }

  private onKeyDown(event: KeyboardEvent): void {
    // The key that picked the card up reaches the document after this sensor exists.
    if (event === this.props.event || this.done) return;
    if (event.code === 'Escape') {
      event.preventDefault();
      this.cancel();
      return;
    }
    const direction = ARROWS[event.code];
    const arrow = direction !== undefined && (this.props.options.grid === true || direction === 'left' || direction === 'right');
    if (!END.includes(event.code) && !arrow) return;
    event.preventDefault();
    if (event.repeat && END.includes(event.code)) return; // a held Space does not drop the card
    this.queue.push(event);
    this.drain();
  }

  /** Plays the queued keys in order, each once the board has measured the last move. */
  private drain(): void {
    if (this.frame) return;
    while (this.queue.length > 0 && !this.done) {
      if (!this.caughtUp() && this.waitedFrames < 30) {
        this.frame = requestAnimationFrame(() => {
          this.frame = 0;
          this.waitedFrames += 1;
          this.drain();
        });
        return;
      }
      this.waitedFrames = 0;
      const event = this.queue.shift()!;
      if (END.includes(event.code)) this.finish(() => this.props.onEnd());
      else this.step(ARROWS[event.code]!);
    }
  }

  /**
   * True once dnd-kit has measured the columns and the card where this sensor last put it, and
   * has settled which column that is over (it does so an effect later than the collisions).
   */
  private caughtUp(): boolean {
    const context = this.props.context.current;
    const moved = context.scrollAdjustedTranslate;
    const measured = context.collisionRect !== null && context.droppableRects.size > 0;
    const placed = moved !== null && moved.x === this.translate.x && moved.y === this.translate.y;
    const settled = (context.collisions?.[0]?.id ?? null) === (context.over?.id ?? null);
    return measured && placed && settled;
  }

  private step(direction: Direction): void {
    const areas: Area[] = [];
    for (const container of this.props.context.current.droppableContainers.values()) {
      const rect = container?.node.current?.getBoundingClientRect();
      if (rect) areas.push({ left: rect.left, top: rect.top, width: rect.width, height: rect.height });
    }
    const next = this.props.options.grid
      ? areaStep(this.start, this.translate, areas, direction)
      : columnStep(this.start, this.translate, areas, direction === 'right' ? 1 : -1);
    if (!next) return;
    this.translate = next;
    this.props.onMove(next);
  }

  private cancel(): void {
    this.finish(() => this.props.onCancel());
  }

  private finish(end: () => void): void {
    if (this.done) return;
    this.done = true;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.view.document.removeEventListener('keydown', this.onKeyDown);
    this.view.document.removeEventListener('visibilitychange', this.cancel);
    this.view.removeEventListener('resize', this.cancel);
    end();
  }
}
