import { readdir } from 'node:fs/promises'

/**
 * A show's recording is numbered chunks of WebM in its recording folder, whoever records it: the
 * studio's browser (p2p) sends them, the relay writes them (relay mode). Finalize joins them.
 */
export const chunkName = (seq: number) => `${String(seq).padStart(8, '0')}.chunk`

/** The chunk numbers in `dir`, in order. */
export async function listChunks(dir: string): Promise<number[]> {
  const names = await readdir(dir).catch(() => [] as string[])
  return names.filter(name => /^\d{8}\.chunk$/.test(name)).map(name => Number(name.slice(0, 8))).sort((a, b) => a - b)
}
