/** A viewer this process sent to an edge: counted here until the edge's own figure holds it. */
export interface EdgeJoin {
  /** Its `watch` was answered: from now on the edge counts it. */
  landed(): void
  /** It never got there (its setup failed): it stops counting at once. */
  dropped(): void
}

/**
 * An edge's load as this process sees it: the viewers the edge reported at its last poll (every
 * process's), plus the joins sent to it that the poll could not have seen yet. A join is taken
 * as seen only when it landed before the poll was asked: a poll whose answer arrives while a
 * join is still being set up must not forget that join, or the next viewer goes to the same edge
 * (two processes sharing Redis put two on one edge and none on the other that way).
 */
export class EdgeLoad {
  /** Every process's viewers on the edge, at the last poll. */
  reported = 0
  private readonly unseen = new Set<{ landedAt?: number }>()

  /** A join sent to the edge now. */
  join(): EdgeJoin {
    const join: { landedAt?: number } = {}
    this.unseen.add(join)
    return {
      landed: () => {
        join.landedAt ??= performance.now()
      },
      dropped: () => {
        this.unseen.delete(join)
      },
    }
  }

  /** A poll is asked now; the function takes its answer. */
  asking(): (reported: number) => void {
    const askedAt = performance.now()
    return (reported) => {
      this.reported = reported
      for (const join of this.unseen) if (join.landedAt !== undefined && join.landedAt < askedAt) this.unseen.delete(join)
    }
  }

  /** The edge went away, and every viewer on it with it. */
  reset() {
    this.reported = 0
    this.unseen.clear()
  }

  /** Its load: every process's viewers as reported and the joins since, and at least `own`, this process's now. */
  value(own: number) {
    return Math.max(this.reported + this.unseen.size, own)
  }
}
