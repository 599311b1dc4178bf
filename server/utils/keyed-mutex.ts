/** One job at a time per key, in the order they came; other keys run freely. */
export function createKeyedMutex() {
  const tails = new Map<string, Promise<unknown>>()
  return {
    run<T>(key: string, job: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve()
      const result = previous.then(job, job)
      const tail = result.catch(() => {})
      tails.set(key, tail)
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key)
      })
      return result
    },
  }
}

export type KeyedMutex = ReturnType<typeof createKeyedMutex>
