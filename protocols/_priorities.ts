/**
 * Pipes grouped by priority, 1 (highest) to 16, for the load balancer and the fair queue
 * (nanomsg's `NN_SNDPRIO` and `NN_RCVPRIO`): each level is an {@linkcode ActiveSet} with its own
 * round-robin position, and the levels in use are kept in priority order. With every pipe at the
 * default priority there is one level, and the cost is one array access.
 *
 * @module
 */
import { ActiveSet } from "./_active_set.ts";

/** @internal One priority level: its pipes (the active ones first) and whose turn it is. */
export interface Level<T> {
  readonly priority: number;
  readonly members: ActiveSet<T>;
  current: number;
}

/** @internal Members grouped in levels by a priority each member keeps. */
export class PriorityLevels<T> {
  /** The levels in use, highest priority (lowest number) first. */
  readonly levels: Level<T>[] = [];
  #byPriority: (Level<T> | undefined)[] = [];
  readonly #priorityOf: (member: T) => number;

  /** @param priorityOf a member's priority, 1 to 16 (read once, when it joins) */
  constructor(priorityOf: (member: T) => number) {
    this.#priorityOf = priorityOf;
  }

  /** The level of a member (made when the first member of its priority joins). */
  levelOf(member: T): Level<T> {
    const priority = this.#priorityOf(member);
    let level = this.#byPriority[priority];
    if (level === undefined) {
      level = { priority, members: new ActiveSet<T>(), current: 0 };
      this.#byPriority[priority] = level;
      const at = this.levels.findIndex((l) => l.priority > priority);
      this.levels.splice(at < 0 ? this.levels.length : at, 0, level);
    }
    return level;
  }

  /** Removes a member; a level left empty goes. */
  delete(member: T): void {
    const level = this.#byPriority[this.#priorityOf(member)];
    if (level === undefined) return;
    level.members.delete(member);
    if (level.members.size > 0) return;
    this.#byPriority[level.priority] = undefined;
    this.levels.splice(this.levels.indexOf(level), 1);
  }

  /** True if some level has an active member. */
  get anyActive(): boolean {
    const levels = this.levels;
    for (let i = 0; i < levels.length; i++) if (levels[i]!.members.activeCount > 0) return true;
    return false;
  }
}
